//! Scale-out on the managed stores: processes started from the same `spin.toml`, all on
//! one PostgreSQL database and one Redis database, behind HAProxy. Two processes serve
//! only `customers` (`-c customers`), one serves everything else; one customers process
//! is killed with SIGKILL in the middle of a mixed read/write load. The checks: every
//! answer is a success or a retryable 502/503; no acknowledged write is lost and none
//! is stored twice; nothing is half-applied (every note has its audit row); what one
//! process writes another reads; a sign-out on one process ends the session on the
//! others (Redis); and the monthly assessment fired by two schedulers at once runs
//! once, with the results a single run gives.
//!
//! HAProxy comes from Debian's `haproxy` package (`.ci/run` installs it).

use crate::common::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zhanye_test_support::{Client, ManagedStores, TestApp, TestDb, app_manifest};

const CRON_TOKEN: &str = "e2e-assessment-cron-token";
/// 2014-10-01 (China time): the scheduled run assesses 2014-09.
const FIRST_OF_OCTOBER_2014: i64 = 1_412_100_000;

/// Every component of the manifest but `customers`.
fn all_but_customers() -> Vec<String> {
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(app_manifest()).unwrap()).expect("spin.toml");
    manifest["component"]
        .as_table()
        .unwrap()
        .keys()
        .filter(|id| id.as_str() != "customers")
        .cloned()
        .collect()
}

/// The shared stores of every process, removed at the end.
struct Shared {
    stores: ManagedStores,
    dir: tempfile::TempDir,
}

impl Shared {
    fn new() -> Shared {
        let dir = tempfile::tempdir().unwrap();
        let stores = ManagedStores::for_state_dir(dir.path());
        Shared { stores, dir }
    }

    fn db(&self) -> TestDb {
        TestDb::Postgres(self.stores.database_url())
    }

    /// `zhanye up` of these components on the shared stores.
    fn start(&self, components: &[String], first: bool) -> TestApp {
        let mut builder = TestApp::builder(ZHANYE, app_manifest())
            .env("SPIN_VARIABLE_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("SPIN_VARIABLE_JWT_SIGNING_KEY", SIGNING_KEY)
            .env("SPIN_VARIABLE_ASSESSMENT_CRON_TOKEN", CRON_TOKEN)
            .arg("--runtime-config-file")
            .arg(
                ManagedStores::runtime_config_file(self.dir.path())
                    .to_str()
                    .unwrap(),
            )
            .arg("--no-cron");
        for (key, value) in self.stores.env() {
            builder = builder.env(&key, &value);
        }
        builder = if first {
            builder.arg("--demo")
        } else {
            builder.arg("--no-migrate")
        };
        for id in components {
            builder = builder.arg("-c").arg(id);
        }
        builder.start()
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.stores.remove();
    }
}

/// HAProxy in front: `/api/customers…` to the customers processes, the rest to the
/// process serving everything else. A request that cannot reach a dead server goes to
/// the other one; one already sent is never resent (a write may have been applied).
struct Balancer {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Balancer {
    fn start(customers: &[&TestApp], rest: &TestApp) -> Balancer {
        let haproxy = which("haproxy").expect(
            "HAProxy is needed for the scale-out test: apt-get install haproxy (.ci/run does)",
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let host_port = |app: &TestApp| app.base_url.trim_start_matches("http://").to_string();
        let servers: String = customers
            .iter()
            .enumerate()
            .map(|(i, app)| {
                format!(
                    "    server customers{i} {} check inter 200ms fall 1 rise 2\n",
                    host_port(app)
                )
            })
            .collect();
        let config = format!(
            "global\n    maxconn 2000\n    log stderr format raw local0\n\
             defaults\n    mode http\n    log global\n    option httplog\n    timeout connect 2s\n    timeout client 60s\n    \
             timeout server 60s\n    retries 3\n    option redispatch\n\
             frontend app\n    bind 127.0.0.1:{port}\n    \
             acl customers path_beg /api/customers\n    use_backend customers if customers\n    \
             default_backend rest\n\
             backend customers\n    balance roundrobin\n{servers}\
             backend rest\n    server rest {}\n",
            host_port(rest)
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("haproxy.cfg");
        std::fs::write(&file, config).unwrap();
        let log = dir.path().join("haproxy.log");
        let mut child = Command::new(haproxy)
            .arg("-db")
            .arg("-f")
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start haproxy");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "haproxy exited with {status}: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            assert!(Instant::now() < deadline, "HAProxy did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(Client::new(&url).get("/api/health").status, 200);
        Balancer {
            child,
            url,
            _dir: dir,
        }
    }
}

impl Balancer {
    fn log(&self) -> std::path::PathBuf {
        self._dir.path().join("haproxy.log")
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .chain(["/usr/sbin", "/sbin"])
        .map(|dir| std::path::Path::new(dir).join(program))
        .find(|p| p.is_file())
}

/// One request of the load and what came of it.
#[derive(Debug, Clone)]
struct Outcome {
    body: Option<String>,
    status: u16,
    after_kill: bool,
}

#[test]
fn two_customers_processes_behind_haproxy_survive_a_kill_without_losing_a_write() {
    let shared = Shared::new();
    let rest = shared.start(&all_but_customers(), true);
    let only_customers = ["customers".to_string()];
    let a = shared.start(&only_customers, false);
    let b = shared.start(&only_customers, false);
    let balancer = Balancer::start(&[&a, &b], &rest);
    let db = shared.db();

    let session = {
        let through = Client::new(&balancer.url);
        let first = login(&through, A0001.code, A0001.initial_password);
        assert_eq!(first.status, 200, "{}", first.text());
        let changed = through
            .clone()
            .bearer(&Session::from(&first).access)
            .post_json(
                "/api/auth/password",
                &json!({"old_password": A0001.initial_password, "new_password": NEW_PASSWORD}),
            );
        assert_eq!(changed.status, 200, "{}", changed.text());
        Session::from(&changed)
    };
    let customer: i64 = db
        .value("SELECT MIN(id) FROM customers WHERE owner_code = 'A0001' AND deleted_at IS NULL")
        .as_i64()
        .expect("a demo customer of A0001");

    // The mixed load: six clients writing notes and reading lists through HAProxy.
    let outcomes = Arc::new(Mutex::new(Vec::<Outcome>::new()));
    let killed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop_at = Instant::now() + Duration::from_secs(8);
    let workers: Vec<_> = (0..6)
        .map(|worker| {
            // One connection a request: on a reused client connection HAProxy answers a
            // server's death with a silent close (as a keep-alive race looks), not 502.
            let client = Client::new(&balancer.url)
                .bearer(&session.access)
                .with_header("connection", "close");
            let outcomes = outcomes.clone();
            let killed = killed.clone();
            std::thread::spawn(move || {
                let mut n = 0;
                while Instant::now() < stop_at {
                    n += 1;
                    let after_kill = killed.load(std::sync::atomic::Ordering::SeqCst);
                    let outcome = if n % 3 == 0 {
                        Outcome {
                            body: None,
                            status: status_of(client.try_get("/api/customers?page_size=5")),
                            after_kill,
                        }
                    } else {
                        let body = format!("scale-{worker}-{n}");
                        let status = status_of(client.try_post_json(
                            &format!("/api/customers/{customer}/notes"),
                            &json!({"body": body}),
                        ));
                        Outcome {
                            body: Some(body),
                            status,
                            after_kill,
                        }
                    };
                    outcomes.lock().unwrap().push(outcome);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(3));
    let a_state = a.crash_keep_state();
    killed.store(true, std::sync::atomic::Ordering::SeqCst);
    for worker in workers {
        worker.join().unwrap();
    }
    drop(a_state);
    let outcomes = outcomes.lock().unwrap().clone();

    // Every answer a success or a retryable failure.
    let odd: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| !matches!(o.status, 200 | 201 | 502 | 503))
        .collect();
    assert!(
        odd.is_empty(),
        "answers other than 2xx/502/503: {odd:?}\nHAProxy's log:\n{}",
        std::fs::read_to_string(balancer.log()).unwrap_or_default()
    );
    let writes: Vec<&Outcome> = outcomes.iter().filter(|o| o.body.is_some()).collect();
    let acknowledged = writes.iter().filter(|o| o.status == 201).count();
    assert!(acknowledged > 20, "{acknowledged} notes written");
    assert!(
        writes.iter().any(|o| o.after_kill && o.status == 201),
        "writes go on through the surviving process"
    );
    assert!(
        outcomes
            .iter()
            .any(|o| o.after_kill && o.body.is_none() && o.status == 200),
        "reads go on through the surviving process"
    );

    // Stored: each acknowledged note once, any other at most once, none twice.
    let stored: BTreeMap<String, i64> = stored_notes(&db);
    for write in &writes {
        let body = write.body.as_deref().unwrap();
        let times = stored.get(body).copied().unwrap_or(0);
        if write.status == 201 {
            assert_eq!(times, 1, "{body}: acknowledged, stored {times} times");
        } else {
            assert!(times <= 1, "{body}: stored {times} times");
        }
    }
    assert!(stored.values().all(|&n| n == 1), "a note stored twice");
    // Nothing half-applied: a note and its audit row commit together.
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'customer.note'"),
        db.count("SELECT COUNT(*) FROM customer_notes WHERE body LIKE 'scale-%'"),
    );
    eprintln!(
        "scale-out load: {} requests, {acknowledged} notes acknowledged, {} failed retryably",
        outcomes.len(),
        outcomes
            .iter()
            .filter(|o| matches!(o.status, 502 | 503))
            .count()
    );

    // A new customers process reads what the other wrote, and the other way round.
    let a2 = shared.start(&only_customers, false);
    let on_b = Client::new(&b.base_url).bearer(&session.access);
    let on_a2 = Client::new(&a2.base_url).bearer(&session.access);
    let notes_path = format!("/api/customers/{customer}/notes");
    let written = on_b.post_json(&notes_path, &json!({"body": "through-b"}));
    assert_eq!(written.status, 201, "{}", written.text());
    assert!(
        note_bodies(&on_a2.get(&format!("{notes_path}?page_size=100")).value())
            .contains(&"through-b".to_string())
    );
    let written = on_a2.post_json(&notes_path, &json!({"body": "through-a2"}));
    assert_eq!(written.status, 201, "{}", written.text());
    assert!(
        note_bodies(&on_b.get(&format!("{notes_path}?page_size=100")).value())
            .contains(&"through-a2".to_string())
    );

    // Signing out through the auth process ends the session on every customers process:
    // the revocation is in Redis.
    assert_eq!(on_b.get("/api/customers").status, 200);
    let out = Client::new(&balancer.url)
        .bearer(&session.access)
        .post_json(
            "/api/auth/logout",
            &json!({"refresh_token": session.refresh}),
        );
    assert!(out.status < 300, "{} {}", out.status, out.text());
    assert_problem(&on_b.get("/api/customers"), 401, "unauthorized");
    assert_problem(&on_a2.get("/api/customers"), 401, "unauthorized");
}

/// The answer's status; 0 when the balancer gave no answer at all.
fn status_of(reply: Result<zhanye_test_support::Reply, String>) -> u16 {
    reply.map_or_else(
        |e| {
            eprintln!("no answer: {e} at {:?}", std::time::SystemTime::now());
            0
        },
        |r| r.status,
    )
}

fn stored_notes(db: &TestDb) -> BTreeMap<String, i64> {
    let listing = db.value(
        "SELECT string_agg(body || '=' || n, ',') FROM \
         (SELECT body, COUNT(*) AS n FROM customer_notes WHERE body LIKE 'scale-%' GROUP BY body) AS t",
    );
    listing
        .as_str()
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (body, n) = pair.rsplit_once('=').unwrap();
            (body.to_string(), n.parse().unwrap())
        })
        .collect()
}

fn note_bodies(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page of notes: {page}"))
        .iter()
        .filter_map(|n| n["body"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn the_monthly_run_fired_by_two_schedulers_at_once_runs_once() {
    let shared = Shared::new();
    let rest = shared.start(&all_but_customers(), true);
    let second = shared.start(&["assessment".to_string()], false);
    let db = shared.db();

    let fire = |app: &TestApp| {
        let url = app.base_url.clone();
        std::thread::spawn(move || {
            Client::new(&url).bearer(CRON_TOKEN).post_json(
                "/api/assessments/runs/scheduled",
                &json!({"timestamp": FIRST_OF_OCTOBER_2014}),
            )
        })
    };
    let (one, two) = (fire(&rest), fire(&second));
    let (one, two) = (one.join().unwrap(), two.join().unwrap());
    for reply in [&one, &two] {
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(reply.value()["done"], true, "{}", reply.text());
        assert_eq!(reply.value()["month"], "2014-09");
    }
    assert_eq!(one.value()["run_id"], two.value()["run_id"]);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'assessment.run.start'"),
        1,
        "one run started"
    );
    let staff = one.value()["staff_total"].as_i64().unwrap();
    assert!(staff > 0);
    assert_eq!(one.value()["staff_done"], staff);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM assessment_results WHERE month = 201409"),
        staff,
        "each staff member assessed once"
    );
    let concurrent = results(&db);

    // The same month run again by one process alone gives the same results.
    let hq = signed_in(&rest, HQ);
    let rerun = hq.post_json(
        "/api/assessments/runs",
        &json!({"month": "2014-09", "restart": true}),
    );
    assert_eq!(rerun.status, 200, "{}", rerun.text());
    let mut state = rerun.value();
    while state["done"] != true {
        let next = hq.post_json("/api/assessments/runs", &json!({"month": "2014-09"}));
        assert_eq!(next.status, 200, "{}", next.text());
        state = next.value();
    }
    assert_eq!(state["run_id"], one.value()["run_id"].as_i64().unwrap() + 1);
    assert_eq!(
        results(&db),
        concurrent,
        "a single run gives the same results"
    );
}

/// Every result of 2014-09 but its run id, one text per staff member.
fn results(db: &TestDb) -> String {
    db.value(
        "SELECT string_agg(staff_code || ':' || score_centi || ':' || deducted_centi || ':' || \
                net_commission || ':' || volume || ':' || rank, ',' ORDER BY staff_code) \
         FROM assessment_results WHERE month = 201409",
    )
    .as_str()
    .expect("results")
    .to_string()
}
