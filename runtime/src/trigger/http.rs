//! The HTTP trigger: routes each request to its component, gives it a fresh instance
//! from the pre-instance, adds Spin's request headers, and streams the answer back.
//! A trap or a time-out is answered (500 / 504) and logged; the server keeps serving.
//! A request from the network is read whole (head and body, under the server's time
//! and size limits) and admitted to an instance of its component (within that
//! component's share of the pool, after a bounded wait) before the instance exists.
//! WASI 0.2 (`incoming-handler`) and WASI 0.3 (`handler`) components are served alike;
//! only the call differs.

use super::admission::{Admission, Admitted};
use super::body::{BodyRefusal, read_whole};
use super::limits::{RETRY_AFTER_SECONDS, ServeLimits};
use super::on_done::OnDone;
use super::routes::{Route, RouteMatch, Router};
use crate::app::{App, HttpHandler, LoadedComponent};
use crate::capability::outbound_http::{LocalDispatch, LocalTarget};
use crate::manifest::RouteDecl;
use crate::{log_error, log_info};
use anyhow::{Result, anyhow};
use bytes::Bytes;
use futures::future::BoxFuture;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::BodyExt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::oneshot;
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::p3::bindings::ServicePre;
use wasmtime_wasi_http::{Error as HttpError, WasiBody, WasiHttpView};

/// A request's or an answer's body, as the HTTP trigger takes and gives them.
pub type Body = WasiBody;

/// The HTTP trigger: Spin's routing of `[[trigger.http]]` to the app's components,
/// with Spin's request headers, per-request limits and one access-log line each.
/// Components' self and `*.spin.internal` requests are answered by it in-process.
pub struct HttpTrigger {
    app: Arc<App>,
    router: Router,
    /// `scheme://host:port` the server listens on, for `spin-full-url`.
    origin: std::sync::OnceLock<String>,
    /// Itself, for the `'static` futures of in-process (self, `*.spin.internal`) requests.
    me: std::sync::Weak<HttpTrigger>,
    limits: ServeLimits,
    admission: Admission,
}

/// Why a component gave no response.
#[derive(Debug)]
enum Failure {
    Trap(anyhow::Error),
    TimedOut,
    /// The instance pool had no room (instances of cron events count too).
    PoolFull,
}

impl HttpTrigger {
    /// The trigger of `app`'s loaded HTTP components (routes of components left out
    /// by [`AppOptions::components`](crate::AppOptions::components) answer 404).
    pub fn new(app: Arc<App>) -> Result<Arc<Self>> {
        let limits = ServeLimits::for_pool(app.limits.max_instances);
        Self::with_limits(app, limits)
    }

    /// As [`HttpTrigger::new`], with the server's limits given.
    pub fn with_limits(app: Arc<App>, limits: ServeLimits) -> Result<Arc<Self>> {
        let mut routes = Vec::new();
        // Routes of components left out by `--component-id` are not served: requests
        // to them answer 404 as any unmatched path does.
        for t in &app.manifest.manifest.trigger.http {
            if !app.is_loaded(&t.component) {
                continue;
            }
            if let RouteDecl::Path(route) = &t.route {
                routes.push(Route::parse(route, &t.component)?);
            }
        }
        let router = Router::new(routes)?;
        let http_components = app
            .manifest
            .manifest
            .trigger
            .http
            .iter()
            .map(|t| t.component.as_str())
            .filter(|id| app.is_loaded(id));
        let admission = Admission::new(http_components, app.limits.max_instances, &limits);
        let trigger = Arc::new_cyclic(|me| Self {
            app: app.clone(),
            router,
            origin: std::sync::OnceLock::new(),
            me: me.clone(),
            limits,
            admission,
        });
        let weak: std::sync::Weak<dyn LocalDispatch> =
            Arc::downgrade(&(trigger.clone() as Arc<dyn LocalDispatch>));
        app.set_local_dispatch(weak);
        Ok(trigger)
    }

    /// The server's limits.
    pub fn limits(&self) -> &ServeLimits {
        &self.limits
    }

    /// The routes served, most specific first.
    pub fn routes(&self) -> &[Route] {
        self.router.routes()
    }

    /// The origin (`http://host:port`) the app is served at, once it listens: what
    /// `spin-full-url` and self requests use.
    pub fn set_origin(&self, origin: String) {
        let _ = self.origin.set(origin);
    }

    /// Answers one request made in-process (its body is handed over as it is);
    /// never fails (errors become 4xx/5xx answers).
    pub async fn handle(
        self: &Arc<Self>,
        req: Request<WasiBody>,
        client: SocketAddr,
    ) -> Response<WasiBody> {
        self.answer(req, client, None).await
    }

    /// Answers one request from the network whose head was read at `head_read`: its
    /// body is read whole, under the server's limits, before an instance is asked for.
    pub(crate) async fn handle_incoming(
        self: &Arc<Self>,
        req: Request<WasiBody>,
        client: SocketAddr,
        head_read: tokio::time::Instant,
    ) -> Response<WasiBody> {
        self.answer(req, client, Some(head_read)).await
    }

    async fn answer(
        self: &Arc<Self>,
        req: Request<WasiBody>,
        client: SocketAddr,
        head_read: Option<tokio::time::Instant>,
    ) -> Response<WasiBody> {
        let started = Instant::now();
        let method = req.method().clone();
        let path_and_query = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let path = req.uri().path().to_string();
        let (response, component) = match self.router.find(&path) {
            None => (plain(StatusCode::NOT_FOUND, "Not Found"), "-".to_string()),
            Some(m) => {
                let component = m.component.to_string();
                let req = match head_read {
                    Some(at) => self.read_body(req, at).await,
                    None => Ok(req),
                };
                match req {
                    Ok(req) => {
                        let req = self.with_spin_headers(req, &m, client);
                        (self.dispatch_to(&component, req).await, component)
                    }
                    Err(refused) => (refused, component),
                }
            }
        };
        log_info!(
            "{client} \"{method} {path_and_query}\" {} {component} {:.2}ms",
            response.status().as_u16(),
            started.elapsed().as_secs_f64() * 1000.0
        );
        response
    }

    /// The request with its body read whole, or the answer refusing it (the rest of
    /// the body is not read, so the connection closes after it).
    async fn read_body(
        &self,
        req: Request<WasiBody>,
        head_read: tokio::time::Instant,
    ) -> Result<Request<WasiBody>, Response<WasiBody>> {
        let (parts, body) = req.into_parts();
        match read_whole(body, head_read, &self.limits).await {
            Ok(body) => Ok(Request::from_parts(parts, body)),
            Err(refusal) => {
                let (status, text) = match refusal {
                    BodyRefusal::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large"),
                    BodyRefusal::TooSlow => (StatusCode::REQUEST_TIMEOUT, "Request Timeout"),
                    BodyRefusal::Broken => (StatusCode::BAD_REQUEST, "Bad Request"),
                };
                let mut res = plain(status, text);
                res.headers_mut()
                    .insert(http::header::CONNECTION, HeaderValue::from_static("close"));
                Err(res)
            }
        }
    }

    async fn dispatch_to(&self, component: &str, req: Request<WasiBody>) -> Response<WasiBody> {
        let comp = match self.app.component(component) {
            Ok(c) => c.clone(),
            Err(e) => {
                log_error!("{e:#}");
                return plain(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error");
            }
        };
        let admitted = match self.admission.admit(component).await {
            Ok(admitted) => admitted,
            Err(busy) => {
                log_error!("component {component:?} is at capacity ({busy:?})");
                return busy_answer();
            }
        };
        match self.call(comp, req, admitted).await {
            Ok(res) => res,
            Err(Failure::PoolFull) => {
                log_error!("component {component:?}: the instance pool is full");
                busy_answer()
            }
            Err(Failure::TimedOut) => {
                log_error!(
                    "component {component:?} exceeded the {:?} time limit",
                    self.app.limits.timeout
                );
                plain(StatusCode::GATEWAY_TIMEOUT, "Gateway Timeout")
            }
            Err(Failure::Trap(e)) => {
                log_error!("component {component:?} failed: {e:?}");
                plain(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
            }
        }
    }

    fn with_spin_headers(
        &self,
        req: Request<WasiBody>,
        m: &RouteMatch<'_>,
        client: SocketAddr,
    ) -> Request<WasiBody> {
        let (mut parts, body) = req.into_parts();
        let origin = match parts
            .headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
        {
            Some(host) => format!("http://{host}"),
            None => self
                .origin
                .get()
                .cloned()
                .unwrap_or_else(|| "http://localhost".into()),
        };
        let pq = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let full_url = format!("{origin}{pq}");
        // Components see an absolute URI, as under Spin.
        if let Ok(uri) = full_url.parse() {
            parts.uri = uri;
        }
        let h = &mut parts.headers;
        let mut set = |name: &str, value: &str| {
            if let (Ok(n), Ok(v)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                h.insert(n, v);
            }
        };
        set("spin-full-url", &full_url);
        set("spin-path-info", &m.path_info);
        set("spin-matched-route", m.raw_route);
        set("spin-component-route", &m.component_route);
        set("spin-raw-component-route", m.raw_route);
        set("spin-base-path", "/");
        set("spin-client-addr", &client.to_string());
        for (name, value) in &m.params {
            set(
                &format!("spin-path-match-{}", name.to_ascii_lowercase()),
                value,
            );
        }
        Request::from_parts(parts, body)
    }

    /// Runs the component on a fresh instance until it has answered and the answer's
    /// body has been sent (or dropped).
    async fn call(
        &self,
        comp: Arc<LoadedComponent>,
        req: Request<WasiBody>,
        admitted: Admitted,
    ) -> Result<Response<WasiBody>, Failure> {
        match comp.http.clone() {
            Some(HttpHandler::Wasi3(pre)) => self.call_wasi3(&comp, pre, req, admitted).await,
            Some(HttpHandler::Wasi2(pre)) => self.call_wasi2(&comp, pre, req, admitted).await,
            None => Err(Failure::Trap(anyhow!(
                "component {} is not an HTTP component",
                comp.id
            ))),
        }
    }

    /// `wasi:http/handler@0.3.0`: the instance runs concurrently with the host until
    /// its answer's body has streamed out.
    async fn call_wasi3(
        &self,
        comp: &LoadedComponent,
        pre: ServicePre<crate::state::HostState>,
        req: Request<WasiBody>,
        admitted: Admitted,
    ) -> Result<Response<WasiBody>, Failure> {
        let mut store = self.app.new_store(comp).map_err(Failure::Trap)?;
        let service = pre
            .instantiate_async(&mut store)
            .await
            .map_err(|e| instantiation_failure(e.into()))?;
        let (req, io) =
            wasmtime_wasi_http::p3::Request::from_http(&mut store.data_mut().hooks, req);
        let (res_tx, res_rx) = oneshot::channel::<Result<Response<WasiBody>, String>>();
        let timeout = self.app.limits.timeout;
        let task = tokio::spawn(async move {
            // The instance's admission ends with this task.
            let _admitted = admitted;
            let run = store.run_concurrent(async move |accessor| -> wasmtime::Result<()> {
                let answer = async {
                    match service.handle(accessor, req).await? {
                        Ok(res) => {
                            let res =
                                accessor.with(|store| res.into_http(store, async { Ok(()) }))?;
                            let (done_tx, done_rx) = oneshot::channel();
                            let res = res.map(|b| {
                                OnDone::new(b, move || {
                                    let _ = done_tx.send(());
                                })
                                .boxed_unsync()
                            });
                            if res_tx.send(Ok(res)).is_ok() {
                                // Keep the instance running while its body streams out.
                                let _ = done_rx.await;
                            }
                        }
                        Err(code) => {
                            let _ = res_tx.send(Err(format!("{code:?}")));
                        }
                    }
                    wasmtime::Result::<()>::Ok(())
                };
                let (answered, body_read) = futures::join!(answer, io);
                if let Err(e) = body_read {
                    log_error!("reading the request body failed: {e}");
                }
                answered
            });
            tokio::time::timeout(timeout, run)
                .await
                .map(|ran| ran.and_then(|answered| answered))
        });
        answer_or_failure(res_rx.await, task).await
    }

    /// `wasi:http/incoming-handler@0.2.x`: the guest answers through a
    /// response-outparam and then writes the body while `handle` is still running, so
    /// the call goes on in its own task after the head has been handed back.
    async fn call_wasi2(
        &self,
        comp: &LoadedComponent,
        pre: ProxyPre<crate::state::HostState>,
        req: Request<WasiBody>,
        admitted: Admitted,
    ) -> Result<Response<WasiBody>, Failure> {
        let mut store = self.app.new_store(comp).map_err(Failure::Trap)?;
        let (res_tx, res_rx) = oneshot::channel();
        let (req, out) = {
            let mut http = store.data_mut().http();
            let req = http
                .new_incoming_request(
                    wasmtime_wasi_http::p2::bindings::http::types::Scheme::Http,
                    req,
                )
                .map_err(|e| Failure::Trap(e.into()))?;
            let out = http
                .new_response_outparam(res_tx)
                .map_err(|e| Failure::Trap(e.into()))?;
            (req, out)
        };
        let timeout = self.app.limits.timeout;
        let task = tokio::spawn(async move {
            let _admitted = admitted;
            let run = async move {
                let proxy = pre.instantiate_async(&mut store).await?;
                proxy
                    .wasi_http_incoming_handler()
                    .call_handle(&mut store, req, out)
                    .await
            };
            tokio::time::timeout(timeout, run).await
        });
        let answer = match res_rx.await {
            Ok(Ok(res)) => Ok(Ok(res)),
            Ok(Err(code)) => Ok(Err(format!("{code:?}"))),
            Err(closed) => Err(closed),
        };
        answer_or_failure(answer, task).await
    }
}

/// The component's answer, or, when it gave none (the response sender went away with
/// its store), why not: the task's time-out, trap or missing answer.
async fn answer_or_failure(
    answer: Result<Result<Response<WasiBody>, String>, oneshot::error::RecvError>,
    task: tokio::task::JoinHandle<Result<wasmtime::Result<()>, tokio::time::error::Elapsed>>,
) -> Result<Response<WasiBody>, Failure> {
    match answer {
        Ok(Ok(res)) => Ok(res),
        Ok(Err(code)) => Err(Failure::Trap(anyhow!(
            "component answered with error {code}"
        ))),
        Err(_) => match task.await {
            Ok(Err(_elapsed)) => Err(Failure::TimedOut),
            Ok(Ok(Err(e))) => {
                let e: anyhow::Error = e.into();
                if is_interrupt(&e) {
                    Err(Failure::TimedOut)
                } else {
                    Err(instantiation_failure(e))
                }
            }
            Ok(Ok(Ok(()))) => Err(Failure::Trap(anyhow!("component returned no response"))),
            Err(join) => Err(Failure::Trap(anyhow!("component task failed: {join}"))),
        },
    }
}

/// A failure to instantiate: [`Failure::PoolFull`] when the pooling allocator had no
/// room left (its limits are "maximum concurrent … limit … reached" errors).
fn instantiation_failure(e: anyhow::Error) -> Failure {
    let full = e
        .chain()
        .any(|c| c.to_string().contains("maximum concurrent"));
    if full {
        Failure::PoolFull
    } else {
        Failure::Trap(e)
    }
}

/// 503 with `Retry-After`: no instance could be had in time.
fn busy_answer() -> Response<WasiBody> {
    let mut res = plain(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable");
    res.headers_mut().insert(
        http::header::RETRY_AFTER,
        HeaderValue::from(RETRY_AFTER_SECONDS),
    );
    res
}

fn is_interrupt(e: &anyhow::Error) -> bool {
    e.chain()
        .any(|c| c.downcast_ref::<wasmtime::Trap>() == Some(&wasmtime::Trap::Interrupt))
        || e.downcast_ref::<wasmtime::Trap>() == Some(&wasmtime::Trap::Interrupt)
}

/// The client address chained (`*.spin.internal`) requests carry, as under Spin.
const CHAINED_CLIENT: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), 0);

/// The client address self requests carry: Spin sends them to itself over loopback.
const SELF_CLIENT: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0);

impl LocalDispatch for HttpTrigger {
    fn dispatch(
        &self,
        target: LocalTarget,
        mut req: Request<WasiBody>,
    ) -> BoxFuture<'static, Result<Response<WasiBody>, HttpError>> {
        let this = self.me.upgrade();
        Box::pin(async move {
            let Some(this) = this else {
                return Err(HttpError::DestinationUnavailable);
            };
            match target {
                LocalTarget::Route => {
                    // Addressed to this server, as Spin's self requests are: the
                    // component sees the server's own origin in `spin-full-url`.
                    if let Some(host) = this
                        .origin
                        .get()
                        .and_then(|o| o.split_once("://"))
                        .and_then(|(_, host)| HeaderValue::from_str(host).ok())
                    {
                        req.headers_mut().insert(http::header::HOST, host);
                    }
                    Ok(this.handle(req, SELF_CLIENT).await)
                }
                LocalTarget::Component(id) => {
                    // Only components this process serves over HTTP can answer; Spin
                    // fails the request too (it traps the caller) for any other id.
                    if !this.app.component(&id).is_ok_and(|c| c.http.is_some()) {
                        return Err(HttpError::DestinationNotFound);
                    }
                    let path = req.uri().path().to_string();
                    let m = RouteMatch {
                        raw_route: "/...",
                        component: &id,
                        component_route: String::new(),
                        path_info: path,
                        params: Vec::new(),
                    };
                    let req = this.with_spin_headers(req, &m, CHAINED_CLIENT);
                    Ok(this.dispatch_to(&id, req).await)
                }
            }
        })
    }
}

pub(crate) fn plain(status: StatusCode, text: &'static str) -> Response<WasiBody> {
    let mut res = Response::new(
        http_body_util::Full::new(Bytes::from_static(text.as_bytes()))
            .map_err(|never| match never {})
            .boxed_unsync(),
    );
    *res.status_mut() = status;
    res.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}

/// Turns hyper's request body into the body type `wasi:http` takes.
pub(crate) fn incoming_body(body: hyper::body::Incoming) -> WasiBody {
    body.map_err(HttpError::from).boxed_unsync()
}
