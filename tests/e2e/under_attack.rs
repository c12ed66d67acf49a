//! The app stays up under the slow-body attack that used to take it down: with a pool
//! of 16 instances, ~1,010 connections from one address each sending the head of a
//! sign-in and then a body byte at a time made every route (`/api/health` included)
//! answer 500 once the pool ran out. Now the address's connections over its cap are
//! refused, the rest are answered 408 by the server without ever holding an instance,
//! and health checks and sign-ins from elsewhere go on being answered meanwhile.
//! (The latency figures of this attack are `zhanye bench attack`'s; this suite proves
//! the behaviour.) The protections are the runtime's, the same on every store, so the
//! suite runs once, on the embedded stores.

use crate::common::*;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

const ATTACK_CONNECTIONS: usize = 1010;

fn status_of(answer: &[u8]) -> Option<u16> {
    let text = String::from_utf8_lossy(answer);
    text.split(' ').nth(1)?.parse().ok()
}

#[test]
fn health_and_sign_in_are_served_through_a_slow_body_attack() {
    let app = app_builder()
        .arg("--max-instances")
        .arg("16")
        .arg("--body-timeout-ms")
        .arg("3000")
        .start();
    if !app.runs_locally("the runtime's connection limits") {
        return;
    }
    ready(&app, A0001);
    let to: SocketAddr = app.base_url.trim_start_matches("http://").parse().unwrap();

    // The attack: every connection sends a sign-in head promising 100 bytes, then one.
    let head = b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{";
    let mut attackers: Vec<TcpStream> = (0..ATTACK_CONNECTIONS)
        .filter_map(|_| {
            let mut s = connect_from("127.0.0.2", to).ok()?;
            let _ = s.write_all(head);
            Some(s)
        })
        .collect();
    assert!(
        attackers.len() > ATTACK_CONNECTIONS / 2,
        "the attack could open its connections"
    );

    // Meanwhile, from another address: health checks and sign-ins are answered.
    let c = app.client();
    let attack_started = Instant::now();
    let mut slowest = Duration::ZERO;
    while attack_started.elapsed() < Duration::from_secs(2) {
        let started = Instant::now();
        let health = c.get("/api/health");
        assert_eq!(health.status, 200, "{}", health.text());
        slowest = slowest.max(started.elapsed());
        for s in attackers.iter_mut().take(300) {
            let _ = s.write_all(b" ");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    for _ in 0..3 {
        let started = Instant::now();
        let signed_in = login(&c, A0001.code, NEW_PASSWORD);
        assert_eq!(signed_in.status, 200, "{}", signed_in.text());
        slowest = slowest.max(started.elapsed());
    }
    assert!(
        slowest < Duration::from_secs(2),
        "slowest answer {slowest:?}"
    );

    // Each attacking connection ends: refused over the address's cap (503, or closed
    // before a word), or answered 408 once its body's time is up; none gets a 5xx
    // from an exhausted pool, and none is still open.
    let mut ended = std::collections::BTreeMap::<String, usize>::new();
    for s in &mut attackers {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut answer = Vec::new();
        let mut buf = [0u8; 512];
        let outcome = loop {
            match s.read(&mut buf) {
                Ok(0) => break status_of(&answer).map_or("closed".to_string(), |c| c.to_string()),
                Ok(n) => answer.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                    break status_of(&answer).map_or("closed".to_string(), |c| c.to_string());
                }
                Err(_) => break "still open".to_string(),
            }
        };
        *ended.entry(outcome).or_default() += 1;
    }
    let of = |k: &str| ended.get(k).copied().unwrap_or(0);
    assert_eq!(of("still open"), 0, "{ended:?}");
    assert!(
        of("408") >= 200,
        "the capped address's connections got 408: {ended:?}"
    );
    assert_eq!(
        of("408") + of("503") + of("closed"),
        attackers.len(),
        "{ended:?}"
    );
    assert!(
        !app.log().contains("maximum concurrent"),
        "the pool never ran out"
    );
    // And the app is as it was.
    assert_eq!(c.get("/api/health").status, 200);
}
