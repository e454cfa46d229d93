"""A loopback TCP proxy that counts the bytes a server sends: what a phone really downloads,
page and service worker alike, compressed as it travels. Used by the budget test and `make bench`."""
import socket
import threading


class CountingProxy:
    """Stands between the phone and the server and counts every byte the server sends: status
    lines, headers and bodies as they travel, whoever asked (page or service worker)."""

    def __init__(self, port):
        self.target = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.received = 0
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                phone, _ = self.listener.accept()
                server = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                return
            threading.Thread(target=self.pipe, args=(phone, server, False), daemon=True).start()
            threading.Thread(target=self.pipe, args=(server, phone, True), daemon=True).start()

    def pipe(self, source, sink, count):
        try:
            while data := source.recv(65536):
                if count:
                    with self.lock:
                        self.received += len(data)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            # Either side ending ends both: shut down (which stops the other pipe's recv), then
            # closed, so no socket is left for the garbage collector to find open.
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def close(self):
        self.listener.close()
