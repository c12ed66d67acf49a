// Draws public/icon-192.png and public/icon-512.png: the same picture as icon.svg
// (three rising bars on the brand blue), as plain RGBA PNGs. Run once after changing
// the design: `node scripts/make-icons.mjs`.
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const BLUE = [0x1a, 0x5f, 0xb4, 255]
const WHITE = [255, 255, 255, 255]
const GOLD = [0xff, 0xd1, 0x66, 255]
// In the 512-unit design space: [x, y, w, h, colour].
const BARS = [
  [112, 280, 64, 120, WHITE],
  [224, 208, 64, 192, WHITE],
  [336, 128, 64, 272, GOLD],
]

function crc32(buf) {
  let c
  let crc = 0xffffffff
  for (const byte of buf) {
    c = (crc ^ byte) & 0xff
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    crc = (crc >>> 8) ^ c
  }
  return (crc ^ 0xffffffff) >>> 0
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'ascii')
  data.copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

function draw(size) {
  const s = size / 512
  const rows = []
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4)
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / s
      const v = (y + 0.5) / s
      let colour = BLUE
      for (const [bx, by, bw, bh, c] of BARS) {
        if (u >= bx && u < bx + bw && v >= by && v < by + bh) colour = c
      }
      Buffer.from(colour).copy(row, 1 + x * 4)
    }
    rows.push(row)
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

for (const size of [192, 512]) {
  writeFileSync(new URL(`../public/icon-${size}.png`, import.meta.url), draw(size))
}
