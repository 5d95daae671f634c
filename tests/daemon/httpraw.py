"""A small HTTP/1.1 and WHOIS client for the daemon tests: it sends exactly
the bytes it is given (no URL normalisation, any method, control bytes,
over-long lines), to 127.0.0.1 only, with a short timeout, and reads back
what the server sends, whatever that is.
"""
import socket

HOST = "127.0.0.1"


class Response:
    def __init__(self):
        self.status = 0          # 0: no status line (connection closed, timeout)
        self.reason = ""
        self.headers = []        # [(name lowercased, value)]
        self.body = b""
        self.error = ""          # what went wrong at the socket level

    def header(self, name):
        name = name.lower()
        for k, v in self.headers:
            if k == name:
                return v
        return None

    def header_count(self, name):
        name = name.lower()
        return sum(1 for k, _ in self.headers if k == name)


def _recv_all(sock, limit):
    data = b""
    while len(data) < limit:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return data, "timeout"
        except OSError as e:
            return data, "recv: %s" % (e.strerror or e)
        if not chunk:
            return data, ""
        data += chunk
    return data, "response over %d bytes" % limit


def parse_response(data, method=b"GET"):
    r = Response()
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        r.error = "no end of headers"
        r.body = data
        return r
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        r.error = "bad status line %r" % lines[0][:80]
        return r
    r.status = int(parts[1])
    r.reason = parts[2].decode("latin-1") if len(parts) > 2 else ""
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        r.headers.append((name.strip().lower().decode("latin-1"), value.strip().decode("latin-1")))
    length = r.header("content-length")
    if method == b"HEAD":
        r.body = rest  # must be empty: a HEAD answer has no body
    elif length is not None and length.isdigit():
        r.body = rest[: int(length)]
        if len(rest) < int(length):
            r.error = "body shorter than Content-Length (%d of %s)" % (len(rest), length)
    else:
        r.body = rest
    return r


def request(port, method, target, headers=(), body=b"", timeout=5.0, version=b"HTTP/1.1",
            limit=4 << 20):
    """One request on its own connection (Connection: close); a Response."""
    if isinstance(method, str):
        method = method.encode("latin-1")
    if isinstance(target, str):
        target = target.encode("latin-1")
    req = method + b" " + target + b" " + version + b"\r\nHost: " + HOST.encode() + b"\r\n"
    for h in headers:
        req += (h.encode("latin-1") if isinstance(h, str) else h) + b"\r\n"
    if body:
        req += b"Content-Length: %d\r\n" % len(body)
    req += b"Connection: close\r\n\r\n" + body
    return raw(port, req, method=method, timeout=timeout, limit=limit)


def raw(port, data, method=b"GET", timeout=5.0, limit=4 << 20):
    """Send @data as it is and parse whatever comes back as an HTTP response."""
    r = Response()
    try:
        sock = socket.create_connection((HOST, port), timeout=timeout)
    except OSError as e:
        r.error = "connect: %s" % (e.strerror or e)
        return r
    with sock:
        try:
            sock.sendall(data)
        except OSError as e:
            r.error = "send: %s" % (e.strerror or e)
        received, err = _recv_all(sock, limit)
    parsed = parse_response(received, method) if received else Response()
    parsed.error = "; ".join(x for x in (r.error, err, parsed.error) if x)
    return parsed


def whois(port, data, timeout=5.0, shutdown=True, limit=1 << 20):
    """Send @data to a WHOIS port and read the reply until the server closes.
    Returns (reply bytes, error text)."""
    try:
        sock = socket.create_connection((HOST, port), timeout=timeout)
    except OSError as e:
        return b"", "connect: %s" % (e.strerror or e)
    err = ""
    with sock:
        try:
            sock.sendall(data)
            if shutdown:
                sock.shutdown(socket.SHUT_WR)
        except OSError as e:
            err = "send: %s" % (e.strerror or e)
        reply, rerr = _recv_all(sock, limit)
    return reply, "; ".join(x for x in (err, rerr) if x)
