-- Demo org and staff (README lists them). Every password is the initial one: the
-- 8-digit birth date (AUTH-2), so the first sign-in must change it. Password hashes
-- are argon2id, written with `cargo run -p zhanye-staff --example hash_secret`; ID
-- verifiers are HMAC-SHA-256 under the demo `pii_key`. A unit test checks each one
-- against its birth date and ID number.

INSERT INTO org_units (id, parent_id, kind, code, name, path) VALUES
    (1,  NULL, 'hq',     'HQ',      '总部',               '/1/'),
    (2,  1,    'region', 'R-EAST',  '华东地区',           '/1/2/'),
    (3,  1,    'region', 'R-SOUTH', '华南地区',           '/1/3/'),
    (4,  2,    'branch', 'B-SHSC',  '上海四川南路营业部', '/1/2/4/'),
    (5,  2,    'branch', 'B-HZJF',  '杭州解放路营业部',   '/1/2/5/'),
    (6,  3,    'branch', 'B-SZFH',  '深圳福华路营业部',   '/1/3/6/'),
    (7,  3,    'branch', 'B-GZTH',  '广州天河路营业部',   '/1/3/7/'),
    (8,  4,    'team',   'T-SHSC-1', '四川南路财富一组',  '/1/2/4/8/'),
    (9,  4,    'team',   'T-SHSC-2', '四川南路财富二组',  '/1/2/4/9/'),
    (10, 5,    'team',   'T-HZJF-1', '解放路财富一组',    '/1/2/5/10/'),
    (11, 6,    'team',   'T-SZFH-1', '福华路财富一组',    '/1/3/6/11/'),
    (12, 7,    'team',   'T-GZTH-1', '天河路财富一组',    '/1/3/7/12/');

INSERT INTO staff (code, name, kind, unit_id, unit_path, position, roles, status, gender, birth_date,
                   mobile, email, id_number_verifier, id_number_masked, created_at, updated_at) VALUES
    ('A0001', '李明', 'broker', 8, '/1/2/4/8/', '经纪人', 'rep', 'normal', 'male', '1982-07-18',
     '13800000001', 'a0001@zhanye.example',
     'hmac-sha256:443841728ed7e916c7c85c32075710095832c4fd6f35af29087eefbd0454f997',
     '310101********0011', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    ('A0002', '王芳', 'broker', 8, '/1/2/4/8/', '客户经理', 'rep', 'normal', 'female', '1990-01-15',
     '13800000002', 'a0002@zhanye.example',
     'hmac-sha256:d415ecc989deaaa966dc18a8caf1ed84d6bc45ce807965462c2d6cd98ddab294',
     '310101********0022', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    ('0010001', '陈刚', 'employee', 8, '/1/2/4/8/', '营销经理', 'lead,rep', 'normal', 'male', '1980-05-05',
     '13800000003', '0010001@zhanye.example',
     'hmac-sha256:9ca9bbe953d27df811359d5d76fb1a22169492353a9d77971d53c6192052b44b',
     '310101********0031', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    ('0010002', '周敏', 'employee', 4, '/1/2/4/', '营业部经理', 'branch_manager,broker_admin', 'normal', 'female', '1975-03-03',
     '13800000004', '0010002@zhanye.example',
     'hmac-sha256:38200fd266b72d53842075539c8570d354be55500af69d826a167696e8584538',
     '310101********0042', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    ('0010003', '吴强', 'employee', 1, '/1/', '总部营销管理岗', 'hq_admin', 'normal', 'male', '1970-01-01',
     '13800000005', '0010003@zhanye.example',
     'hmac-sha256:eb7382e5f4a0620b74b540d855858aa475b3334f277d0a15565dbf3c49c1759a',
     '310101********0051', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    ('A0003', '赵磊', 'broker', 9, '/1/2/4/9/', '投资顾问', 'rep', 'normal', 'male', '1988-11-30',
     '13800000006', 'a0003@zhanye.example',
     'hmac-sha256:1b35ae7969b068db6c244da469ef7d237781e9d10094664b57e1e36553822e87',
     '310101********0071', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
    ('A0004', '孙丽', 'broker', 11, '/1/3/6/11/', '经纪人', 'rep', 'normal', 'female', '1992-06-08',
     '13800000007', 'a0004@zhanye.example',
     'hmac-sha256:2df4d57b3ff35a3dc32a59526e7f3df09dbdc593baf1b7796040ffe4ef5bad46',
     '440301********0082', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');

INSERT INTO credentials (staff_code, password_hash, previous_hashes, must_change, changed_at) VALUES
    ('A0001',   '$argon2id$v=19$m=19456,t=2,p=1$emhhbnllLWRlbW8tc2FsYQ$aAdanHaZN48LvBaaOKb1EXJ6LF2HbPFW6+VqhgeF/Mc', '[]', 1, '2026-01-01T00:00:00Z'),
    ('A0002',   '$argon2id$v=19$m=19456,t=2,p=1$emhhbnllLWRlbW8tc2FsYg$afutxxq3qG4tGDqx7SQSnKZyeHGLAyaV+I6eBkPBT/Q', '[]', 1, '2026-01-01T00:00:00Z'),
    ('0010001', '$argon2id$v=19$m=19456,t=2,p=1$emhhbnllLWRlbW8tc2FsYw$NUYjOO9tzWhq7lSvA8D6j7lOU2rMzv7KEWbxqu61qYY', '[]', 1, '2026-01-01T00:00:00Z'),
    ('0010002', '$argon2id$v=19$m=19456,t=2,p=1$emhhbnllLWRlbW8tc2FsZA$VJ8dYz12u4dA+689zhLSlutebnwgiIYhYH6gGFAAnvk', '[]', 1, '2026-01-01T00:00:00Z'),
    ('0010003', '$argon2id$v=19$m=19456,t=2,p=1$emhhbnllLWRlbW8tc2FsZQ$eEj1SldvqGKFsikOrxn9mbi27pyZKB44ZspUOV/h1b8', '[]', 1, '2026-01-01T00:00:00Z'),
    ('A0003',   '$argon2id$v=19$m=19456,t=2,p=1$emhhbnllLWRlbW8tc2FsZg$amtFdsHCO7hsnkWCBwdH2plBUqLu3AMSoWQ2MU/ssek', '[]', 1, '2026-01-01T00:00:00Z'),
    ('A0004',   '$argon2id$v=19$m=19456,t=2,p=1$emhhbnllLWRlbW8tc2FsZw$NynbhEbuozfgElmpgimIPBJWxkGp3Pe7TuWq0JkM/Ig', '[]', 1, '2026-01-01T00:00:00Z');
