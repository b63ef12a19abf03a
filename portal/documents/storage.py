"""The storage of private files: generated documents and attachments."""

from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """A file system storage whose files have no URL.

    ``FileSystemStorage(base_url=None)`` falls back to ``MEDIA_URL`` (``"/"`` when unset), so
    every private file would still get a public-looking URL. Here ``base_url`` stays None:
    ``file.url`` raises, and files are served only by views that check who may see them.
    """

    @property
    def base_url(self):
        return None
