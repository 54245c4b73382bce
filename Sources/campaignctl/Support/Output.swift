import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writing to the terminal: results on stdout, diagnostics and progress on stderr.
enum Output {
    /// A line of results on stdout.
    static func line(_ text: String = "") {
        write(Data((text + "\n").utf8))
    }

    /// A line of diagnostics on stderr.
    static func error(_ text: String) {
        write(Data((text + "\n").utf8), to: .standardError)
    }

    /// Text on stdout without a line end (a prompt).
    static func text(_ text: String) {
        write(Data(text.utf8))
    }

    /// Bytes on stdout, as they are.
    static func bytes(_ data: Data) {
        write(data)
    }

    /// Writes to stdout (or stderr). SwiftNIO ignores SIGPIPE, so a reader that went away (`| head`) shows up
    /// as a failed write: on stdout the command then ends as SIGPIPE would have ended it (status 141), quietly.
    private static func write(_ data: Data, to handle: FileHandle = .standardOutput) {
        do {
            try handle.write(contentsOf: data)
        } catch {
            if handle === FileHandle.standardOutput {
                exit(141)
            }
        }
    }

    /// Pretty, key-sorted JSON on stdout.
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        write(data + Data("\n".utf8))
    }

    /// Whether stderr is a terminal (progress lines are shown only then).
    static var stderrIsTerminal: Bool {
        isatty(2) == 1
    }

    /// Rewrites the progress line on stderr.
    static func progress(_ text: String) {
        write(Data(("\r\u{1B}[K" + text).utf8), to: .standardError)
    }

    /// Clears the progress line.
    static func endProgress() {
        write(Data("\r\u{1B}[K".utf8), to: .standardError)
    }

    /// `12,345` — thousands separated, locale-independent.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 {
                result += ","
            }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    /// A decimal with a fixed number of places.
    static func fixed(_ value: Double, places: Int) -> String {
        String(format: "%.\(places)f", value)
    }
}
