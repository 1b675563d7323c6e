"""Checks of the `buckets:` section: bucket names S3 would refuse, object keys, and object
content given inline or as `{file: PATH}` under the `local-data/` folder.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from scheduler import limits
from scheduler.catalogue.source_map import DataPath
from scheduler.diagnostics import echo
from scheduler.local_data.check_base import CheckerBase
from scheduler.local_data.model import Bucket, S3Object
from scheduler.local_data.names import bucket_hint, bucket_name_problem
from scheduler.local_data.place import LOCAL_DATA_FOLDER
from scheduler.local_data.values import kind_of, path_key, show


class BucketChecks(CheckerBase):
    def bucket(self, name: str, value: object, path: DataPath) -> Bucket | None:
        why = bucket_name_problem(name)
        if why is not None:
            self.at_key(
                path, f"bucket {show(name)} is not a name S3 accepts: {why}", bucket_hint(name)
            )
        if value is None:
            value = {}
        if not isinstance(value, dict):
            self.at(
                path,
                f"bucket {show(name)} must be a mapping of object keys to their content",
                "write `{}` for an empty bucket, or one `key: content` line per object",
            )
            return None
        objects = []
        for key, content in value.items():
            checked = self.s3_object(name, key, content, (*path, path_key(key)))
            if checked is not None:
                objects.append(checked)
        return Bucket(name, tuple(objects), self.source_map.key_span(path))

    def s3_object(
        self, bucket: str, key: object, content: object, path: DataPath
    ) -> S3Object | None:
        if not isinstance(key, str):
            self.at_key(
                path,
                f"bucket {show(bucket)}: object key {show(key)} must be text",
                f"quote it: {show(str(key))}",
            )
            return None
        what = f"bucket {show(bucket)}, object {show(key)}"
        size = len(key.encode())
        if not key or size > limits.S3_OBJECT_KEY_MAX_BYTES:
            self.at_key(
                path,
                f"{what}: the key is {size} bytes long; S3 keys are 1 to "
                f"{limits.S3_OBJECT_KEY_MAX_BYTES} bytes",
                "give the object a shorter key",
            )
            return None
        body = self.content(what, content, path)
        return None if body is None else S3Object(key, body, self.source_map.key_span(path))

    def content(self, what: str, content: object, path: DataPath) -> bytes | None:
        if isinstance(content, str):
            return content.encode()
        if isinstance(content, bytes):  # !!binary
            return content
        if isinstance(content, dict) and set(content) == {"file"}:
            return self.file_content(what, content["file"], (*path, "file"))
        if isinstance(content, dict):
            for key in content:
                if key != "file":
                    self.unknown((*path, path_key(key)), key, what, ("file",))
            if "file" not in content:
                self.at(path, f"{what}: say which file holds it", "write {file: PATH}")
            return None
        self.at(
            path,
            f"{what}: the content must be text or {{file: PATH}}, not {kind_of(content)}",
            f"write the text (quoted, or as a `|` block), or name a file under "
            f"{LOCAL_DATA_FOLDER}/ with {{file: PATH}}",
        )
        return None

    def file_content(self, what: str, name: object, path: DataPath) -> bytes | None:
        shown = echo(f"{LOCAL_DATA_FOLDER}/{name}", str)
        relative = PurePosixPath(str(name)) if isinstance(name, str) and name else None
        if relative is None:
            self.at(path, f"{what}: file must be a path", f"a path under {LOCAL_DATA_FOLDER}/")
            return None
        if relative.is_absolute() or ".." in relative.parts:
            self.at(
                path,
                f"{what}: file {echo(str(name), str)} is not under {LOCAL_DATA_FOLDER}/",
                f"put the file in {LOCAL_DATA_FOLDER}/ beside {Path(self.file).name} and give "
                "its path from there",
            )
            return None
        full = self.folder.joinpath(*relative.parts)
        try:
            found = full.is_file()
        except OSError:  # a name the file system refuses (too long, say): no such file
            found = False
        if not found:
            self.at(
                path,
                f"{what}: file {shown} does not exist",
                f"create it, or fix the path (it is read from {LOCAL_DATA_FOLDER}/ beside "
                f"{Path(self.file).name})",
            )
            return None
        try:
            return full.read_bytes()
        except OSError as error:
            reason = error.strerror or type(error).__name__
            self.at(path, f"{what}: file {shown} cannot be read: {reason}", "check the file")
            return None
