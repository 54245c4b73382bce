import Foundation
import TestSupport
import Testing

/// What a run of the built binary printed and returned.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the built `campaignctl` in a fresh folder with its own database, like a user would.
final class CLIRunner: @unchecked Sendable {
    let folder: TemporaryDirectory
    var environment: [String: String]

    init() throws {
        folder = try TemporaryDirectory()
        environment = ["CAMPAIGNCTL_DATABASE": folder.path("workspace.sqlite"), "PATH": "/usr/bin:/bin"]
        if let server = Self.postgresURL {
            // Team mode: the same commands on a schema of their own on the test server.
            let fresh = TestPostgres.freshSchemaURL(server, prefix: "cli_")
            schema = fresh.schema
            environment["CAMPAIGNCTL_DATABASE"] = fresh.url
        }
    }

    /// The PostgreSQL server the CLI tests also run on, or nil for SQLite.
    static var postgresURL: String? { TestPostgres.url }

    /// The run's schema on the test server.
    private(set) var schema = ""

    /// Direct SQL on the workspace database behind campaignctl's back (sqlite3 or psql), as an attacker would.
    func tamper(_ sql: String) throws {
        _ = try self.sql(sql)
    }

    /// What sqlite3 or psql prints for `sql` on the workspace database, run behind campaignctl's back.
    func sql(_ sql: String) throws -> String {
        let process = Process()
        if let server = Self.postgresURL {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            process.arguments = ["--quiet", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-c", sql, server]
            process.environment = ["PGOPTIONS": "--search_path=\(schema)", "PATH": "/usr/bin:/bin"]
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = [folder.path("workspace.sqlite"), sql]
        }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "SQL failed: \(sql)")
        return String(decoding: printed, as: UTF8.self)
    }

    /// Runs `campaignctl arguments…` with the folder as working directory.
    @discardableResult
    func run(_ arguments: String..., input: String? = nil) throws -> CLIResult {
        try run(arguments, input: input)
    }

    @discardableResult
    func run(_ arguments: [String], input: String? = nil) throws -> CLIResult {
        let process = Process()
        process.executableURL = Paths.binary
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = folder.url
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
        }
        try stdin.fileHandleForWriting.close()
        // Read both pipes before waiting, so a chatty command cannot block on a full pipe.
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIResult(
            status: process.terminationStatus,
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self)
        )
    }

    /// `--as NAME --keystore <folder>/keys/NAME`: acting as one of the test's people.
    func person(_ name: String) -> [String] {
        ["--as", name, "--keystore", folder.path("keys/\(name)")]
    }

    /// A sample file copied into the run's folder under a short name (outputs then name `day1.xml`, not a long path).
    func sample(_ name: String, as local: String) throws -> String {
        let source = Paths.sampleBrand.appendingPathComponent(name)
        let target = folder.url.appendingPathComponent(local)
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: source, to: target)
        return local
    }
}
