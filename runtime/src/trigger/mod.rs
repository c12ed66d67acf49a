mod admission;
mod body;
mod connections;
pub mod cron;
pub mod http;
pub mod limits;
mod on_done;
pub mod routes;
pub mod server;
