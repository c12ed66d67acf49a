//! The server holds under slow, idle and greedy clients, through the fixture app's real
//! components: a trickled body is answered 408 without ever taking an instance, a
//! half-sent head and an idle connection are closed on time, one address cannot hold
//! more than its share of connections, and a component at capacity queues briefly and
//! then answers 503 with `Retry-After` while other components go on serving.

use crate::common::ZHANYE;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};
use zhanye_test_support::{TestApp, fixture_manifest};

fn fixture_with(flags: &[&str]) -> TestApp {
    let mut builder =
        TestApp::builder(ZHANYE, fixture_manifest()).env("SPIN_VARIABLE_SECRET_TOKEN", "t");
    for f in flags {
        builder = builder.arg(f);
    }
    builder.start()
}

fn address(app: &TestApp) -> SocketAddr {
    let authority = app.base_url.trim_start_matches("http://");
    authority.parse().expect("the test app listens on ip:port")
}

/// A connection from `from`, reads waiting at most 10 s.
fn connect_from(from: &str, to: SocketAddr) -> TcpStream {
    let stream = crate::common::connect_from(from, to).expect("connected");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// Everything the server sends until it closes (or `wait` passes), and whether it
/// closed.
fn read_until_closed(stream: &mut TcpStream, wait: Duration) -> (String, bool) {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (String::from_utf8_lossy(&got).into(), true),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            // A reset after the answer is a close too.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return (String::from_utf8_lossy(&got).into(), true);
            }
            Err(_) => return (String::from_utf8_lossy(&got).into(), false),
        }
    }
}

fn status_of(answer: &str) -> Option<u16> {
    answer.split(' ').nth(1)?.parse().ok()
}

/// One whole answer on a kept-alive connection (its body sized by `Content-Length` or
/// chunked), as text.
fn read_answer(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&got).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let head = text[..end].to_ascii_lowercase();
            let body = &text[end + 4..];
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            let whole = match length {
                Some(n) => body.len() >= n,
                None => body.ends_with("0\r\n\r\n"),
            };
            if whole {
                return text;
            }
        }
        let n = stream.read(&mut buf).expect("the answer arrives");
        assert!(
            n > 0,
            "closed mid-answer: {}",
            String::from_utf8_lossy(&got)
        );
        got.extend_from_slice(&buf[..n]);
    }
}

#[test]
fn a_trickled_body_is_answered_408_and_never_holds_an_instance() {
    // Two instances in all: before, two slow bodies took the whole pool.
    let app = fixture_with(&["--max-instances", "2", "--body-timeout-ms", "800"]);
    if !app.runs_locally("the server's body time limit") {
        return;
    }
    let to = address(&app);
    let mut slow: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut s = connect_from("127.0.0.1", to);
            s.write_all(b"POST /probe/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab")
                .unwrap();
            s
        })
        .collect();
    // Meanwhile every other request is served at once.
    let c = app.client();
    for _ in 0..5 {
        let started = Instant::now();
        assert_eq!(c.get("/probe/exact").status, 200);
        assert_eq!(c.get("/probe/headers").status, 200);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
    let started = Instant::now();
    for s in &mut slow {
        let (answer, closed) = read_until_closed(s, Duration::from_secs(5));
        assert_eq!(status_of(&answer), Some(408), "{answer}");
        assert!(closed, "the connection closes after a 408");
    }
    assert!(started.elapsed() < Duration::from_secs(5));
    // A body that does arrive in time is the component's, as before.
    let r = c.post("/probe/echo", "text/plain", "whole");
    assert_eq!((r.status, r.text().as_str()), (200, "whole"));
    assert!(
        !app.log().contains("maximum concurrent"),
        "the pool never ran out"
    );
}

#[test]
fn a_body_over_the_servers_limit_is_refused_413() {
    let app = fixture_with(&["--max-body-mb", "1"]);
    if !app.runs_locally("the server's body size limit") {
        return;
    }
    // Refused on its declared length, before a byte of it is read (a client writing
    // the whole body first may see the connection close under it instead).
    let mut over = connect_from("127.0.0.1", address(&app));
    over.write_all(b"POST /probe/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\n")
        .unwrap();
    let (answer, closed) = read_until_closed(&mut over, Duration::from_secs(5));
    assert_eq!(status_of(&answer), Some(413), "{answer}");
    assert!(closed);
    // Sent in chunks with no length, it is refused once past the limit.
    let mut chunked = connect_from("127.0.0.1", address(&app));
    chunked
        .write_all(b"POST /probe/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap();
    let chunk = format!("{:x}\r\n{}\r\n", 256 << 10, "z".repeat(256 << 10));
    for _ in 0..5 {
        if chunked.write_all(chunk.as_bytes()).is_err() {
            break;
        }
    }
    let (answer, _) = read_until_closed(&mut chunked, Duration::from_secs(5));
    assert!(
        answer.is_empty() || status_of(&answer) == Some(413),
        "{answer}"
    );
    // The chunked body's 413 may be cut off by the reset; the server logged it.
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.log().matches("\"POST /probe/echo\" 413").count() < 2 {
        assert!(Instant::now() < deadline, "{}", app.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    // Up to the limit, the body is the component's.
    let c = app.client();
    let r = c.post(
        "/probe/echo",
        "application/octet-stream",
        vec![7u8; 1 << 20],
    );
    assert_eq!((r.status, r.body.len()), (200, 1 << 20));
}

#[test]
fn a_half_sent_head_and_an_idle_connection_are_closed_on_time() {
    let app = fixture_with(&["--header-timeout-ms", "600", "--idle-timeout-ms", "1500"]);
    if !app.runs_locally("the server's connection time limits") {
        return;
    }
    let to = address(&app);

    // One header line every 300 ms: the head is never finished, so it is closed after
    // the head's time, however busy the client keeps it.
    let mut trickle = connect_from("127.0.0.1", to);
    let started = Instant::now();
    trickle.write_all(b"GET /probe/exact HTTP/1.1\r\n").unwrap();
    let mut closed_after = None;
    for i in 0..20 {
        std::thread::sleep(Duration::from_millis(300));
        if trickle
            .write_all(format!("X-Slow-{i}: 1\r\n").as_bytes())
            .is_err()
        {
            closed_after = Some(started.elapsed());
            break;
        }
        trickle
            .set_read_timeout(Some(Duration::from_millis(1)))
            .unwrap();
        let mut buf = [0u8; 64];
        if matches!(trickle.read(&mut buf), Ok(0)) {
            closed_after = Some(started.elapsed());
            break;
        }
    }
    let closed_after = closed_after.expect("a trickled head is closed");
    assert!(closed_after < Duration::from_secs(3), "{closed_after:?}");

    // A kept-alive connection: served, kept while it is used, closed once idle.
    let mut idle = connect_from("127.0.0.1", to);
    for _ in 0..3 {
        idle.write_all(b"GET /probe/exact HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        assert_eq!(status_of(&read_answer(&mut idle)), Some(200));
        std::thread::sleep(Duration::from_millis(1000));
    }
    let waited = Instant::now();
    let (_, closed) = read_until_closed(&mut idle, Duration::from_secs(5));
    assert!(closed, "an idle connection is closed");
    assert!(
        waited.elapsed() < Duration::from_secs(3),
        "{:?}",
        waited.elapsed()
    );
}

#[test]
fn one_address_holds_at_most_its_connections_and_others_are_served() {
    let app = fixture_with(&["--max-connections-per-address", "8"]);
    if !app.runs_locally("the per-address connection cap") {
        return;
    }
    let to = address(&app);
    let held: Vec<TcpStream> = (0..8).map(|_| connect_from("127.0.0.2", to)).collect();
    // Give the server time to count them all.
    std::thread::sleep(Duration::from_millis(300));
    let mut over = connect_from("127.0.0.2", to);
    let _ = over.write_all(b"GET /probe/exact HTTP/1.1\r\nHost: x\r\n\r\n");
    let (answer, closed) = read_until_closed(&mut over, Duration::from_secs(5));
    assert!(closed, "the connection over the cap is closed");
    assert_ne!(status_of(&answer), Some(200), "{answer}");
    if !answer.is_empty() {
        assert_eq!(status_of(&answer), Some(503), "{answer}");
    }
    // Another address is served, and a place freed is taken again.
    assert_eq!(app.client().get("/probe/exact").status, 200);
    drop(held);
    std::thread::sleep(Duration::from_millis(300));
    let mut again = connect_from("127.0.0.2", to);
    again
        .write_all(b"GET /probe/exact HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let (answer, _) = read_until_closed(&mut again, Duration::from_secs(5));
    assert_eq!(status_of(&answer), Some(200), "{answer}");
}

#[test]
fn a_component_at_capacity_queues_then_answers_503_and_the_others_serve() {
    let app = fixture_with(&[
        "--max-instances-per-component",
        "2",
        "--queue-timeout-ms",
        "300",
    ]);
    if !app.runs_locally("per-component instance limits") {
        return;
    }
    let base = app.base_url.clone();
    let busy: Vec<_> = (0..6)
        .map(|_| {
            let c = zhanye_test_support::Client::new(&base);
            std::thread::spawn(move || c.get("/probe/spin?ms=1500"))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    // Another component is not starved.
    let started = Instant::now();
    assert_eq!(app.client().get("/exact-only").status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    let replies: Vec<_> = busy.into_iter().map(|t| t.join().unwrap()).collect();
    let served = replies.iter().filter(|r| r.status == 200).count();
    let refused: Vec<_> = replies.iter().filter(|r| r.status == 503).collect();
    assert_eq!(
        served,
        2,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert_eq!(refused.len(), 4);
    for r in refused {
        assert_eq!(r.header("retry-after"), Some("1"));
    }

    // Short requests wait their turn in the queue instead of being refused.
    let quick: Vec<_> = (0..4)
        .map(|_| {
            let c = zhanye_test_support::Client::new(&base);
            std::thread::spawn(move || c.get("/probe/spin?ms=60").status)
        })
        .collect();
    for t in quick {
        assert_eq!(t.join().unwrap(), 200);
    }
}
