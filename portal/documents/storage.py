"""The storage of private files: generated documents, attachments and imports.

Two kinds, chosen in ``STORAGES`` (``portal/settings.py``): a local folder by default, or an
S3-compatible bucket (``PORTAL_S3_BUCKET``) so that several machines share the same files.
Either way a private file has no URL: it is served only by views that check who may see it,
which read it through the storage (``FieldFile.open()``), never from a path on disk.
"""

import posixpath
from functools import cached_property

from botocore.config import Config
from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage

NO_URL = "A private file has no URL: serve it through a view that checks permission."


class PrivateStorage(FileSystemStorage):
    """A file system storage whose files have no URL.

    ``FileSystemStorage(base_url=None)`` falls back to ``MEDIA_URL`` (``"/"`` when unset), so
    every private file would still get a public-looking URL. Here ``base_url`` stays None:
    ``file.url`` raises, and files are served only by views that check who may see them.
    """

    @property
    def base_url(self):
        return None


class PrivateObjectStorage(S3Storage):
    """Private files in an S3-compatible bucket (AWS S3, MinIO, …).

    Objects are written with the ``private`` ACL and never get a URL, signed or not: a link to
    the bucket would bypass the permission checks. A file is never overwritten (see
    ``get_available_name``).
    """

    default_acl = "private"
    querystring_auth = False
    file_overwrite = False
    # Files read for a download spill to a temporary file beyond this size instead of memory.
    max_memory_size = 5 * 1024 * 1024

    def __init__(self, **settings):
        super().__init__(**settings)
        # boto3 waits a minute by default: a store that stopped answering must fail a request
        # (and the document's attempt, which is retried) rather than hold a web worker.
        self.client_config = self.client_config.merge(
            Config(
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
            )
        )

    def get_available_name(self, name, max_length=None):
        """Every new object gets a random suffix (``7_Ab3xYz9.pdf``). The local folder creates
        files exclusively; a bucket cannot, so two machines saving the same name at the same
        moment (two attachments of one plan are both ``<plan>.pdf``) would each find it free
        and one would replace the other."""
        directory, file_name = posixpath.split(name)
        root, extension = posixpath.splitext(file_name)
        name = posixpath.join(directory, self.get_alternative_name(root, extension))
        return super().get_available_name(name, max_length)

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_probe_clients", None)
        return state

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError(NO_URL)

    def probe(self, *, timeout: float) -> None:
        """One quick request proving the address, the credentials and the bucket (for
        ``/healthz/``): it raises if any of them is wrong, within about ``timeout`` seconds."""
        self._probe_client(timeout).head_bucket(Bucket=self.bucket_name)

    @cached_property
    def _probe_clients(self):
        return {}

    def _probe_client(self, timeout):
        client = self._probe_clients.get(timeout)
        if client is None:
            config = self.client_config.merge(
                Config(
                    connect_timeout=timeout,
                    read_timeout=timeout,
                    retries={"total_max_attempts": 1},
                )
            )
            client = self._create_session().client(
                "s3",
                region_name=self.region_name,
                use_ssl=self.use_ssl,
                endpoint_url=self.endpoint_url,
                config=config,
                verify=self.verify,
            )
            self._probe_clients[timeout] = client
        return client
