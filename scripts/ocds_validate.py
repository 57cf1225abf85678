"""Validates an OCDS release package with libcoveocds, offline.

Usage: python ocds_validate.py [--vectors DIR] PACKAGE.json

libcoveocds (the Open Contracting Partnership's own validator, PyPI) reads
the standard's schema and codelists from a zip of the standard repository
(`--standard-zip`) and downloads the schema of every extension a package
declares. This wrapper gives it both from the repository's vendored copies
(tests/vectors/ocds, README there) and lets nothing reach the network:

- the extensions' files are answered from the vendored directories by a
  requests transport adapter mounted on the session ocdsextensionregistry
  downloads with, keyed by the URLs the package declares (the canonical
  ones, so the published package is validated byte for byte);
- every socket connection is refused, so a file that is not vendored fails
  as "fetching failed" (reported in `extensions.invalid_extension`), never
  silently from the web.

Prints libcoveocds's JSON result on stdout, exactly as its CLI does.
"""

import argparse
import io
import json
import os
import socket
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_VECTORS = os.path.join(HERE, "..", "tests", "vectors", "ocds")

# Extensions a Pingshen package declares: URL base as published → vendored
# directory. GitHub's raw URLs are fetched by ocdsextensionregistry as the
# tag's archive (`…/archive/TAG.zip`), so both forms are answered.
EXTENSIONS = {
    "open-contracting-extensions/ocds_bid_extension": ("v1.1.5", "ocds_bid_extension-v1.1.5"),
}


def refuse_network():
    def connect(self, address):  # noqa: ARG001
        raise OSError(f"ocds-validate: network refused (offline validation): {address!r}")

    socket.socket.connect = connect
    socket.socket.connect_ex = connect
    socket.create_connection = lambda address, *a, **k: connect(None, address)


def vendored_routes(vectors):
    """URL → bytes for every vendored extension file and archive."""
    routes = {}
    for repo, (tag, folder) in EXTENSIONS.items():
        root = os.path.join(vectors, folder)
        archive = io.BytesIO()
        prefix = f"{repo.split('/')[1]}-{tag.lstrip('v')}/"
        with zipfile.ZipFile(archive, "w") as z:
            z.writestr(prefix, b"")
            for dirpath, _, files in sorted(os.walk(root)):
                for name in sorted(files):
                    path = os.path.join(dirpath, name)
                    rel = os.path.relpath(path, root).replace(os.sep, "/")
                    with open(path, "rb") as f:
                        data = f.read()
                    routes[f"https://raw.githubusercontent.com/{repo}/{tag}/{rel}"] = data
                    z.writestr(prefix + rel, data)
        routes[f"https://github.com/{repo}/archive/{tag}.zip"] = archive.getvalue()
    return routes


def mount(routes):
    import requests
    from requests.adapters import BaseAdapter
    from ocdsextensionregistry import extension_version, util

    class Vendored(BaseAdapter):
        def send(self, request, **kwargs):  # noqa: ARG002
            response = requests.Response()
            response.url = request.url
            response.request = request
            body = routes.get(request.url)
            if body is None:
                raise requests.ConnectionError(f"ocds-validate: not vendored, and offline: {request.url}")
            response.status_code = 200
            response.reason = "OK"
            response._content = body
            response.headers["Content-Length"] = str(len(body))
            return response

        def close(self):
            pass

    # ocdsextensionregistry downloads through one module-level (caching)
    # session; a plain session that knows only the vendored files replaces it.
    session = requests.Session()
    session.mount("https://", Vendored())
    session.mount("http://", Vendored())
    util.session = session
    extension_version.session = session


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", default=DEFAULT_VECTORS)
    parser.add_argument("package")
    args = parser.parse_args()
    vectors = os.path.abspath(args.vectors)
    refuse_network()
    mount(vendored_routes(vectors))

    from libcoveocds.__main__ import main as cove

    sys.argv = [
        "libcoveocds",
        "--schema-version",
        "1.1",
        "--standard-zip",
        os.path.join(vectors, "standard-1__1__5.zip"),
        args.package,
    ]
    cove()


if __name__ == "__main__":
    main()
