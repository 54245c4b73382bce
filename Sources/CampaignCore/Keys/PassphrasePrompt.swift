// Hand-written because Foundation has no password prompt and getpass(3) is obsolete (it reads stdin when there
// is no terminal and is absent from some C libraries); this follows OpenBSD's readpassphrase(3).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks for a passphrase on the controlling terminal with echo off.
public enum PassphrasePrompt {
    /// Writes `prompt` to `/dev/tty` and reads one line without echo; nil when there is no terminal or at end of input.
    ///
    /// The terminal is put in raw-ish mode (no echo, no line editing, no signal keys) and the line is edited here
    /// (erase and kill keys), so Ctrl-C cannot leave the terminal without echo: the terminal is restored first,
    /// then the interrupt, quit or stop signal is raised.
    public static func read(prompt: String) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else {
            return nil
        }
        defer { close(fd) }
        guard isatty(fd) == 1 else {
            return nil
        }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else {
            return nil
        }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG)
        withUnsafeMutableBytes(of: &silent.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        writeBytes(fd, Array(prompt.utf8))
        guard tcsetattr(fd, TCSAFLUSH, &silent) == 0 else {
            return nil
        }
        let (line, signal) = readLine(fd, keys: ControlKeys(saved))
        _ = tcsetattr(fd, TCSAFLUSH, &saved)
        writeBytes(fd, [0x0A])
        if let signal {
            kill(getpid(), signal)
            return nil
        }
        return line
    }

    /// The terminal's own editing and signal keys, with the usual defaults when a key is disabled.
    private struct ControlKeys {
        var erase: Set<UInt8> = [0x7F, 0x08]
        var kill: Set<UInt8> = [0x15]
        var endOfFile: Set<UInt8> = [0x04]
        var signals: [UInt8: Int32] = [0x03: SIGINT, 0x1C: SIGQUIT, 0x1A: SIGTSTP]

        init(_ settings: termios) {
            withUnsafeBytes(of: settings.c_cc) { cc in
                let pairs: [(Int32, Int32)] = [(VINTR, SIGINT), (VQUIT, SIGQUIT), (VSUSP, SIGTSTP)]
                for (index, signal) in pairs where cc[Int(index)] != 0 {
                    signals[cc[Int(index)]] = signal
                }
                if cc[Int(VERASE)] != 0 {
                    erase.insert(cc[Int(VERASE)])
                }
                if cc[Int(VKILL)] != 0 {
                    kill.insert(cc[Int(VKILL)])
                }
                if cc[Int(VEOF)] != 0 {
                    endOfFile.insert(cc[Int(VEOF)])
                }
            }
        }
    }

    /// One line up to Enter; nil at end of input on an empty line; a signal number when a signal key was typed.
    private static func readLine(_ fd: Int32, keys: ControlKeys) -> (line: String?, signal: Int32?) {
        var bytes: [UInt8] = []
        defer {
            for index in bytes.indices {
                bytes[index] = 0
            }
        }
        var byte: UInt8 = 0
        while true {
            let count = systemRead(fd, &byte, 1)
            if count < 0 && errno == EINTR {
                continue
            }
            if count <= 0 || (keys.endOfFile.contains(byte) && bytes.isEmpty) {
                return (nil, nil)
            }
            if let signal = keys.signals[byte] {
                return (nil, signal)
            }
            switch byte {
            case 0x0A, 0x0D:
                return (String(decoding: bytes, as: UTF8.self), nil)
            case _ where keys.erase.contains(byte):
                // Remove one whole UTF-8 character: continuation bytes, then its lead byte.
                var keep = bytes.count
                while keep > 0 && bytes[keep - 1] & 0xC0 == 0x80 {
                    keep -= 1
                }
                keep = max(0, keep - 1)
                for index in keep..<bytes.count {
                    bytes[index] = 0
                }
                bytes.removeLast(bytes.count - keep)
            case _ where keys.kill.contains(byte):
                for index in bytes.indices {
                    bytes[index] = 0
                }
                bytes.removeAll()
            case _ where keys.endOfFile.contains(byte):
                return (String(decoding: bytes, as: UTF8.self), nil)
            default:
                bytes.append(byte)
            }
        }
    }

    private static func writeBytes(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                systemWrite(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if written < 0 && errno == EINTR {
                continue
            }
            guard written > 0 else {
                return
            }
            offset += written
        }
    }
}

/// libc's read(2), out of reach of `PassphrasePrompt.read` inside the type.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// libc's write(2).
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
