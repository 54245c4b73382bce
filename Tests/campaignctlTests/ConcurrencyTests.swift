import Foundation
import Synchronization
import TestSupport
import Testing

extension CLIRunner {
    /// Starts every command at the same moment, each in its own process, and waits for all of them.
    func runAtOnce(_ commands: [[String]]) throws -> [CLIResult] {
        let results = Mutex<[Int: Result<CLIResult, any Error>]>([:])
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for (index, command) in commands.enumerated() {
            done.enter()
            let thread = Thread { [self] in
                start.wait()
                let result = Result { try self.run(command) }
                results.withLock { $0[index] = result }
                done.leave()
            }
            thread.start()
        }
        for _ in commands {
            start.signal()
        }
        done.wait()
        return try results.withLock { finished in
            try commands.indices.map { index in
                guard let result = finished[index] else {
                    throw CocoaError(.featureUnsupported)  // unreachable: every thread left a result
                }
                return try result.get()
            }
        }
    }
}

/// Several people acting at the same moment from separate processes, on either engine (the PostgreSQL run
/// sets `CAMPAIGNCTL_TEST_PG`): writers are serialized, so nothing is lost, doubled or mixed.
@Suite struct ConcurrencyTests {
    /// The sample workspace with two approvers and a second author, three campaigns created and submitted.
    private func team() throws -> CLIRunner {
        let cli = try CLIRunner()
        try cli.run("init", "--brand", "Maison Lumière", "--domain", "maison-lumiere.fr")
        for (name, role) in [("alice", "author"), ("bob", "approver"), ("carol", "approver"), ("dave", "author")] {
            try cli.run("user", "add", name, "--role", role, "--keystore", cli.folder.path("keys/\(name)"))
        }
        for name in ["alice", "bob", "carol", "dave"] {
            try cli.run(["policy", "seal"] + cli.person(name))
        }
        try cli.run("import", try cli.sample("catalog-day1.xml", as: "day1.xml"), "--catalog", "maison-lumiere")
        for name in Self.campaigns {
            _ = try cli.sample("campaigns/\(name).yml", as: "\(name).yml")
            try cli.run(["campaign", "create", "--spec", "\(name).yml"] + cli.person("alice"))
            let submitted = try cli.run(["campaign", "submit", name] + cli.person("alice"))
            #expect(submitted.status == 0, "\(submitted.stderr)")
        }
        return cli
    }

    private static let campaigns = ["coussin-terracotta", "bougies-hiver", "linge-de-lit"]

    @Test func twoApproversAndTwoPublishersAtOnceMakeExactlyOnePublishAndLoseNoApproval() throws {
        let cli = try team()
        for id in Self.campaigns {
            var results = try cli.runAtOnce([
                ["campaign", "approve", id, "--yes"] + cli.person("bob"),
                ["campaign", "approve", id, "--yes"] + cli.person("carol"),
                ["campaign", "publish", id] + cli.person("alice"),
                ["campaign", "publish", id] + cli.person("dave"),
            ])
            // Each command either did its work or was refused for a reason (77); none failed on the database.
            for result in results {
                #expect(result.status == 0 || result.status == 77, "\(id): \(result.stderr)")
            }
            if results[2].status != 0, results[3].status != 0 {
                // Both publishes ran before an approval was committed: publish again, still at once.
                results += try cli.runAtOnce([
                    ["campaign", "publish", id] + cli.person("alice"),
                    ["campaign", "publish", id] + cli.person("dave"),
                ])
            }
            let publishes = results.dropFirst(2)
            #expect(publishes.filter { $0.status == 0 }.count == 1, "\(id): \(publishes.map(\.stderr))")
            let log = try cli.run("audit", "log").stdout.split(separator: "\n")
            // Every approval that was reported done is in the log; every publish too, exactly once.
            for (index, approver) in ["bob", "carol"].enumerated() where results[index].status == 0 {
                #expect(log.contains { $0.contains(" \(approver) campaign.approve campaign:\(id)@1 ok") }, "\(id)")
            }
            #expect(log.filter { $0.contains(" campaign.publish campaign:\(id)@1 ok") }.count == 1)
            let bundles = try FileManager.default.contentsOfDirectory(atPath: cli.folder.path("outbox/\(id)"))
            #expect(bundles.filter { $0.hasSuffix("-publish") } == ["r1-publish"])
        }
        #expect(try cli.run("audit", "verify").status == 0)
    }

    @Test func twoImportsOfOneCatalogAtOnceLeaveExactlyOneFeedsSnapshot() throws {
        let cli = try CLIRunner()
        try cli.run("init", "--brand", "Maison Lumière", "--domain", "maison-lumiere.fr")
        // Feeds large enough to overlap: 3000 items, a third of them different on day 2.
        let generator = Paths.repositoryRoot.appendingPathComponent("Scripts/bench/generate_feed.py").path
        for (file, extra) in [("a.xml", [String]()), ("b.xml", ["--day2-of-seed", "1", "--change-rate", "0.3"])] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", generator, "--items", "3000", "--out", cli.folder.path(file)] + extra
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0)
        }
        // What each feed alone leaves active: the reference snapshots.
        var snapshots: [String: [String]] = [:]
        for file in ["a.xml", "b.xml"] {
            let alone = try CLIRunner()
            try alone.run("init", "--brand", "Maison Lumière", "--domain", "maison-lumiere.fr")
            _ = try alone.run("import", cli.folder.path(file), "--catalog", "shop")
            snapshots[file] = try Self.active(alone)
        }
        #expect(snapshots["a.xml"] != snapshots["b.xml"])
        let results = try cli.runAtOnce([
            ["import", "a.xml", "--catalog", "shop"],
            ["import", "b.xml", "--catalog", "shop"],
        ])
        // Each import committed (one waited for the other) or was refused as busy (75), never half-applied.
        for result in results {
            #expect([0, 65, 75].contains(result.status), "\(result.stderr)")
        }
        let history = try cli.run("catalog", "history").stdout.split(separator: "\n")
        let committed = history.filter { $0.contains(" shop committed ") }
        #expect(committed.count == results.filter { $0.status != 75 }.count)
        let last = try #require(committed.first).contains(" committed a.xml") ? "a.xml" : "b.xml"
        #expect(try Self.active(cli) == snapshots[last])
    }

    /// The active products as `id price title` lines, sorted.
    private static func active(_ cli: CLIRunner) throws -> [String] {
        let output = try cli.run("catalog", "products", "--catalog", "shop", "--json").stdout
        let products = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        return products.filter { $0["status"] as? String == "active" }.map { product in
            "\(product["id"] ?? "") \(product["price_micros"] ?? "") \(product["title"] ?? "")"
        }.sorted()
    }
}
