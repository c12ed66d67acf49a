"""The month-end assessment (ASSESS-1) timed end to end, as HQ runs it on demand.

    python3 bench/assessment/run.py --port 3000 --code 0010003 --password 19700101 \
        [--month 2026-10] [--chunk-size 500] [--server-pid PID]

Signs in (changing the initial password when the app asks for it, and trying the new
one when an earlier run already changed it), then POSTs `/api/assessments/runs`
`{month, restart: true}` once and `{month}` (resume) while the answer is 202, as a
client or the scheduled component does. Prints each call, then the wall time from the
first POST to the done answer, the staff assessed, chunks, staff per second, and with
`--server-pid` the server's resident memory before and at its peak, sampled every 10 ms
from /proc/PID/status: VmRSS, and apart its anonymous part (RssAnon: heaps, the
instances' linear memory) and its file part (RssFile: mostly the database pages SQLite
maps, which the kernel can drop). The month defaults to the one before the current China-time month
(the one `bench/assessment/seed.sql` fills).
"""

import argparse
import datetime
import http.client
import json
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=3000)
parser.add_argument("--code", default="0010003")
parser.add_argument("--password", default="19700101")
parser.add_argument("--new-password", default="Bench2026pw")
parser.add_argument("--month")
parser.add_argument("--chunk-size", type=int)
parser.add_argument("--server-pid", type=int)
args = parser.parse_args()


def previous_month():
    china = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)
    first = china.date().replace(day=1)
    return (first - datetime.timedelta(days=1)).strftime("%Y-%m")


month = args.month or previous_month()
connection = http.client.HTTPConnection(args.host, args.port, timeout=600)


def call(method, path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    connection.request(method, path, body=json.dumps(body) if body is not None else None,
                       headers=headers)
    response = connection.getresponse()
    data = response.read()
    try:
        return response.status, json.loads(data)
    except ValueError:
        return response.status, data.decode(errors="replace")


def sign_in():
    status, answer = call("POST", "/api/auth/login",
                          {"code": args.code, "password": args.password})
    if status != 200:
        status, answer = call("POST", "/api/auth/login",
                              {"code": args.code, "password": args.new_password})
        if status != 200:
            raise SystemExit(f"sign-in failed: {status} {answer}")
        return answer["access_token"]
    if answer.get("must_change_password"):
        status, answer = call("POST", "/api/auth/password",
                              {"old_password": args.password,
                               "new_password": args.new_password},
                              answer["access_token"])
        if status != 200:
            raise SystemExit(f"password change failed: {status} {answer}")
    return answer["access_token"]


FIELDS = ("VmRSS", "RssAnon", "RssFile")


def resident_kib(pid):
    """VmRSS, RssAnon and RssFile of a process in KiB, or None."""
    values = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                name = line.split(":")[0]
                if name in FIELDS:
                    values[name] = int(line.split()[1])
    except OSError:
        return None
    return values if len(values) == len(FIELDS) else None


token = sign_in()
baseline = resident_kib(args.server_pid) if args.server_pid else None
peak = dict(baseline) if baseline else {}
sampling = [True]


def sample():
    while sampling[0]:
        rss = resident_kib(args.server_pid)
        if rss:
            for name in FIELDS:
                peak[name] = max(peak.get(name, 0), rss[name])
        time.sleep(0.01)


sampler = None
if args.server_pid:
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()

body = {"month": month, "restart": True}
if args.chunk_size:
    body["chunk_size"] = args.chunk_size
started = time.perf_counter()
calls = 0
while True:
    call_started = time.perf_counter()
    status, state = call("POST", "/api/assessments/runs", body, token)
    calls += 1
    elapsed = time.perf_counter() - call_started
    if status not in (200, 202):
        raise SystemExit(f"POST /api/assessments/runs answered {status}: {state}")
    print(f"POST {json.dumps(body)}: {status} in {elapsed:.2f} s, "
          f"{state['staff_done']}/{state['staff_total']} staff, {state['chunks']} chunks")
    if status == 200:
        break
    body = {"month": month}
    if args.chunk_size:
        body["chunk_size"] = args.chunk_size
total = time.perf_counter() - started
sampling[0] = False
if sampler:
    sampler.join()

print(f"month {month}: {state['staff_done']} staff in {total:.1f} s "
      f"({state['staff_done'] / total:.0f} staff/s), {state['chunks']} chunks, "
      f"{calls} requests, run {state['run_id']}; bar 60 s")
if baseline:
    for name in FIELDS:
        print(f"server {name} {baseline[name] / 1024:.1f} MiB before, "
              f"peak {peak[name] / 1024:.1f} MiB (+{(peak[name] - baseline[name]) / 1024:.1f} MiB)")
