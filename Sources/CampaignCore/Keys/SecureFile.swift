// Hand-written because neither Foundation nor swift-crypto offers ssh-style permission discipline: FileManager
// creates files with the umask's mode and then chmods them (a window where a key is world-readable), follows
// symbolic links, and has no exclusive create, no fsync and no owner or mode checks on read.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, errno-checked wrappers over the POSIX calls the keystore needs.
enum SystemCall {
    /// `strerror` text for an errno value.
    static func errorText(_ code: Int32) -> String? {
        guard let text = strerror(code) else {
            return nil
        }
        return String(cString: text)
    }
}

/// Files and folders that only their owner may read: creation with exact modes, atomic replacement, checks on read.
enum SecureFile {
    /// Group and other permission bits: none may be set on a private file.
    static let groupOrOtherAccess: mode_t = 0o077
    /// Group and other write bits: none may be set on a folder or public file.
    static let groupOrOtherWrite: mode_t = 0o022

    /// Creates `path` and any missing parent with mode 0700, then checks it like `checkFolder`.
    static func ensureFolder(_ path: String) throws(KeystoreError) {
        var info = stat()
        if stat(path, &info) != 0 {
            guard errno == ENOENT else {
                throw .io(path: path, operation: "inspect", errno: errno)
            }
            var prefix = path.hasPrefix("/") ? "" : "."
            for component in path.split(separator: "/") where !component.isEmpty {
                prefix += "/" + component
                if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                    throw .io(path: prefix, operation: "create folder", errno: errno)
                }
            }
            // mkdir applies the umask; the keystore folder itself is set to exactly 0700.
            guard chmod(path, 0o700) == 0 else {
                throw .io(path: path, operation: "set permissions on", errno: errno)
            }
        }
        try checkFolder(path)
    }

    /// Refuses a path that is not a folder, not owned by the current user, or writable by group or others.
    static func checkFolder(_ path: String) throws(KeystoreError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .io(path: path, operation: "open keystore folder", errno: errno)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw .notAFolder(path: path)
        }
        guard info.st_uid == geteuid() else {
            throw .wrongOwner(path: path, uid: Int(info.st_uid))
        }
        guard info.st_mode & groupOrOtherWrite == 0 else {
            throw .insecureFolder(path: path, mode: Int(info.st_mode & 0o7777))
        }
    }

    /// Whether anything (even a dangling symbolic link) exists at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Reads a regular file owned by the current user whose mode has none of `forbidden`; nil when it is missing.
    ///
    /// The file is opened without following a final symbolic link, then checked through its descriptor, so
    /// the bytes read are those of the file whose owner and mode were checked.
    static func readFile(
        _ path: String,
        forbidden: mode_t,
        suggestedMode: Int,
        maxBytes: Int
    ) throws(KeystoreError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            switch errno {
            case ENOENT:
                return nil
            case ELOOP:
                throw .notARegularFile(path: path)
            case let code:
                throw .io(path: path, operation: "open", errno: code)
            }
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw .io(path: path, operation: "inspect", errno: errno)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .notARegularFile(path: path)
        }
        guard info.st_uid == geteuid() else {
            throw .wrongOwner(path: path, uid: Int(info.st_uid))
        }
        guard info.st_mode & forbidden == 0 else {
            throw .insecureFile(path: path, mode: Int(info.st_mode & 0o7777), allowed: suggestedMode)
        }
        return try readAll(fd, path: path, maxBytes: maxBytes)
    }

    /// Reads a file that needs no permission checks (a colleague's public key), following symbolic links.
    static func readUnchecked(_ path: String, maxBytes: Int) throws(KeystoreError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .io(path: path, operation: "open", errno: errno)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw .io(path: path, operation: "inspect", errno: errno)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .notARegularFile(path: path)
        }
        return try readAll(fd, path: path, maxBytes: maxBytes)
    }

    private static func readAll(_ fd: Int32, path: String, maxBytes: Int) throws(KeystoreError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR {
                    continue
                }
                throw .io(path: path, operation: "read", errno: errno)
            }
            if count == 0 {
                return bytes
            }
            bytes += chunk[..<count]
            guard bytes.count <= maxBytes else {
                throw .io(path: path, operation: "read (larger than \(maxBytes) bytes)", errno: EFBIG)
            }
        }
    }

    /// Writes `bytes` to `path` atomically with exactly `mode`.
    ///
    /// The data goes to a fresh temporary file in the same folder, created with `O_CREAT | O_EXCL` and mode 0600
    /// (so it is never readable by others, whatever the umask), then `fchmod`ed to `mode`, fsynced and moved into
    /// place. With `replacing: false` the move is a `link`, which fails with `EEXIST` instead of overwriting.
    static func writeFile(_ bytes: [UInt8], to path: String, mode: mode_t, replacing: Bool) throws(KeystoreError) {
        let folder = parentFolder(of: path)
        let temporary = "\(folder)/.\(baseName(of: path)).tmp-\(randomSuffix())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .io(path: temporary, operation: "create", errno: errno)
        }
        var moved = false
        defer {
            if !moved {
                unlink(temporary)
            }
        }
        try fill(fd, with: bytes, mode: mode, path: temporary)
        if replacing {
            guard rename(temporary, path) == 0 else {
                throw .io(path: path, operation: "replace", errno: errno)
            }
            moved = true
        } else if link(temporary, path) != 0 {
            let code = errno
            // Some file systems have no hard links; fall back to check-then-rename there.
            guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP, !exists(path) else {
                throw .io(path: path, operation: "create", errno: code)
            }
            guard rename(temporary, path) == 0 else {
                throw .io(path: path, operation: "create", errno: errno)
            }
            moved = true
        }
        syncFolder(folder)
    }

    /// Runs `body` holding an exclusive `flock` on `path` (created 0600 if missing).
    static func withLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw KeystoreError.io(path: path, operation: "open lock file", errno: errno)
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw KeystoreError.io(path: path, operation: "lock", errno: errno)
            }
        }
        return try body()
    }

    /// Sets the mode, writes, syncs and closes `fd`.
    private static func fill(_ fd: Int32, with bytes: [UInt8], mode: mode_t, path: String) throws(KeystoreError) {
        defer { close(fd) }
        guard fchmod(fd, mode) == 0 else {
            throw .io(path: path, operation: "set permissions on", errno: errno)
        }
        try writeAll(bytes, to: fd, path: path)
        guard fsync(fd) == 0 else {
            throw .io(path: path, operation: "sync", errno: errno)
        }
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(KeystoreError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if written < 0 {
                guard errno == EINTR else {
                    throw .io(path: path, operation: "write", errno: errno)
                }
                continue
            }
            offset += written
        }
    }

    /// Makes a rename or link durable; best effort, as some file systems refuse fsync on folders.
    private static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            return
        }
        _ = fsync(fd)
        close(fd)
    }

    private static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else {
            return "."
        }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else {
            return path
        }
        return String(path[path.index(after: slash)...])
    }

    private static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
