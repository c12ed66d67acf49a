"""Latency of one route, one client at a time, over one keep-alive connection.

    python3 bench/tasks/latency.py --token TOKEN -n 300 /api/tasks
    python3 bench/tasks/latency.py --token TOKEN -n 300 --method POST \
        --body '{"customer_name":"客户{i}", ...}' /api/tasks
    python3 bench/tasks/latency.py --token TOKEN -n 290 --first-id 1000701 \
        --method POST --body '{"reason":"客户改期"}' '/api/tasks/{id}/cancel'

`{i}` in the body is the request's number, `{id}` in the path `--first-id` plus it. Five
requests warm up first; then it prints the statuses and p50/p90/p99/max in ms.
"""

import argparse
import http.client
import time

parser = argparse.ArgumentParser()
parser.add_argument("path")
parser.add_argument("--token", required=True)
parser.add_argument("-n", type=int, default=300)
parser.add_argument("--method", default="GET")
parser.add_argument("--body")
parser.add_argument("--first-id", type=int, default=0)
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=3000)
args = parser.parse_args()

WARM_UP = 5
connection = http.client.HTTPConnection(args.host, args.port)
headers = {"authorization": "Bearer " + args.token, "content-type": "application/json"}
times, statuses = [], {}
for i in range(args.n + WARM_UP):
    body = args.body.replace("{i}", str(i)).encode() if args.body else None
    path = args.path.replace("{id}", str(args.first_id + i))
    started = time.perf_counter()
    connection.request(args.method, path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if i >= WARM_UP:
        times.append(elapsed)
        statuses[response.status] = statuses.get(response.status, 0) + 1
times.sort()


def at(share):
    return times[min(len(times) - 1, int(share * len(times)))]


print(
    f"{args.method} {args.path}: {statuses} p50 {at(0.5):.2f} p90 {at(0.9):.2f} "
    f"p99 {at(0.99):.2f} max {times[-1]:.2f} ms"
)
