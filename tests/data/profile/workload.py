# A python3 workload for `profile learn` tests: threads, a subprocess and a
# loopback HTTP server answering a client in another thread. Prints "ok".
import http.server
import subprocess
import threading
import urllib.request


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello from the loopback server\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    results = []
    workers = [threading.Thread(target=lambda i=i: results.append(sum(range(i * 1000)))) for i in range(4)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert len(results) == 4

    out = subprocess.run(["/bin/sh", "-c", "echo sub $((6 * 7))"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "sub 42", out.stdout

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/") as r:
        assert r.read().startswith(b"hello from"), "bad reply"
    server.shutdown()
    print("ok")


main()
