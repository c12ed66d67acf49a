// The password just typed at sign-in, held in memory only (never stored) so the forced
// change does not ask for it a second time.
let memo = null

export function rememberOldPassword(value) {
  memo = value
}

export function takeOldPassword() {
  const value = memo
  memo = null
  return value
}
