import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one notification command with `/bin/sh -c`, its input from a file and its stderr into a file.
///
/// Files rather than pipes: a command that never reads stdin, or writes much to stderr, can then neither block
/// this process nor raise SIGPIPE in it. Both files live in a private (0700) temporary folder removed afterwards.
enum CommandRunner {
    /// The grace period between SIGTERM and SIGKILL for a command that overran its time limit.
    static let killGrace: Duration = .seconds(1)
    /// The longest stderr line reported.
    static let maxReasonLength = 200

    static func run(
        commandLine: String,
        standardInput: [UInt8],
        environment: [String: String],
        timeout: Duration
    ) async throws(NotificationDeliveryError) {
        let fileManager = FileManager.default
        let folder = fileManager.temporaryDirectory.appendingPathComponent("campaignctl-notify-\(UUID().uuidString)")
        do {
            try fileManager.createDirectory(
                at: folder,
                withIntermediateDirectories: false,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw .misconfigured("cannot create a temporary folder for the command")
        }
        defer { try? fileManager.removeItem(at: folder) }
        let inputURL = folder.appendingPathComponent("stdin.json")
        let errorURL = folder.appendingPathComponent("stderr.txt")

        let process = Process()
        let exit = ProcessExit()
        do {
            try Data(standardInput).write(to: inputURL)
            _ = fileManager.createFile(atPath: errorURL.path, contents: nil)
            let input = try FileHandle(forReadingFrom: inputURL)
            let errorOutput = try FileHandle(forWritingTo: errorURL)
            defer {
                try? input.close()
                try? errorOutput.close()
            }
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", commandLine]
            process.environment = environment
            process.currentDirectoryURL = folder
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errorOutput
            process.terminationHandler = { _ in exit.finish() }
            try process.run()
        } catch {
            throw .misconfigured("cannot start /bin/sh: \(error.localizedDescription.lowercased())")
        }

        // The time limit runs on a Dispatch timer, not the cooperative pool, so busy tasks cannot delay it.
        let timedOut = TimeoutFlag()
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout.seconds) {
            if !exit.isFinished {
                timedOut.set()
                stop(process, exit: exit)
            }
        }
        await exit.wait()
        guard !timedOut.isSet else {
            throw .timedOut(seconds: Int(timeout.components.seconds))
        }
        let status = process.terminationStatus
        let signalled = process.terminationReason == .uncaughtSignal
        guard status != 0 || signalled else {
            return
        }
        let errorText = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
        let firstLine = errorText.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let reason = String(firstLine.trimmingCharacters(in: .whitespaces).prefix(maxReasonLength))
        throw .commandFailed(status: signalled ? 128 + status : status, stderr: reason)
    }

    /// SIGTERM to the command's process group, then SIGKILL after ``killGrace`` if it is still there.
    ///
    /// Foundation starts the shell as the leader of its own process group, and on Linux reports its exit only once
    /// every process holding its internal pipe is gone, so commands the shell started (`sleep`, a backgrounded job)
    /// must be stopped with it.
    private static func stop(_ process: Process, exit: ProcessExit) {
        let pid = process.processIdentifier
        guard pid > 0 else {
            return
        }
        kill(-pid, SIGTERM)
        kill(pid, SIGTERM)
        DispatchQueue.global().asyncAfter(deadline: .now() + Double(killGrace.components.seconds)) {
            if !exit.isFinished {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
            }
        }
    }
}

/// Set once by the timer when the command overran its time limit.
private final class TimeoutFlag: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var value = false

    var isSet: Bool {
        lock.withLock { value }
    }

    func set() {
        lock.withLock { value = true }
    }
}

/// The exit of one child process, awaitable once; Foundation calls `finish` from its own thread.
private final class ProcessExit: @unchecked Sendable {
    private let lock = NSLock()
    private var finished = false
    private var waiter: CheckedContinuation<Void, Never>?

    var isFinished: Bool {
        lock.withLock { finished }
    }

    func finish() {
        let continuation: CheckedContinuation<Void, Never>? = lock.withLock {
            finished = true
            defer { waiter = nil }
            return waiter
        }
        continuation?.resume()
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done: Bool = lock.withLock {
                if finished {
                    return true
                }
                waiter = continuation
                return false
            }
            if done {
                continuation.resume()
            }
        }
    }
}
