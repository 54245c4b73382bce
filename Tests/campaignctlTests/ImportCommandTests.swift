import Foundation
import TestSupport
import Testing

@Suite struct ImportCommandTests {
    @Test func importsTheSampleCatalogAndExitsWithDataErrorForRejectedItems() throws {
        let cli = try CLIRunner()
        let day1 = try cli.sample("catalog-day1.xml", as: "day1.xml")
        let result = try cli.run("import", day1, "--catalog", "maison-lumiere")
        #expect(result.status == 65)
        #expect(result.stdout.hasPrefix("import #1: catalog 'maison-lumiere' from day1.xml (RSS 2.0, profile google)"))
        #expect(result.stderr.contains("day1.xml:878: error: [missing_price] item 'ML-CER-SAL-28':"))
        #expect(result.stderr.hasSuffix("rejected (see the diagnostics above); the valid items were stored\n"))
        let list = try cli.run("catalog", "list")
        #expect(list.status == 0)
        #expect(list.stdout.hasPrefix("maison-lumiere: "))
    }

    @Test(.enabled(if: CLIRunner.postgresURL == nil, "PostgreSQL's typed columns refuse the edit itself"))
    func aPriceEditedToTextInTheDatabaseIsRefusedNotACrash() throws {
        let cli = try CLIRunner()
        try cli.run("import", try cli.sample("catalog-day1.xml", as: "day1.xml"), "--catalog", "maison-lumiere")
        try cli.tamper("UPDATE product SET price_micros = 'free' WHERE product_id = 'ML-COU-LIN-45-TER'")
        let result = try cli.run("catalog", "products", "--catalog", "maison-lumiere")
        #expect(result.status == 77)
        #expect(
            result.stderr
                == "error: the database holds a value campaignctl did not write: column 'price_micros' holds text, "
                + "where Int64 was expected (edited by hand?)\n"
        )
    }

    @Test func reimportPrintsTheDiff() throws {
        let cli = try CLIRunner()
        try cli.run("import", try cli.sample("catalog-day1.xml", as: "day1.xml"), "--catalog", "ml")
        let result = try cli.run("import", try cli.sample("catalog-day2.xml", as: "day2.xml"), "--catalog", "ml")
        #expect(result.stdout.contains("  ~ changed ML-COU-LIN-45-TER\n      price: 39.00 EUR → 34.00 EUR"))
        #expect(result.stdout.contains("  + added ML-BOU-PAI-180"))
        #expect(result.stdout.contains("  - removed ML-VAS-SOL-VER"))
    }

    @Test func aLongDiffIsCountedNotListed() throws {
        let cli = try CLIRunner()
        // 201 products whose prices all change: one entry more than the listing limit. Then 199 changes, one
        // unchanged product and one removed: exactly the limit.
        func feed(count: Int, price: String, unchanged: Int? = nil) -> String {
            let items = (0..<count).map { index in
                """
                <item><g:id>P-\(index)</g:id><g:title>Lamp \(index)</g:title><g:description>A lamp.</g:description>
                <g:link>https://shop.example/p/\(index)</g:link><g:image_link>https://shop.example/\(index).jpg</g:image_link>
                <g:availability>in_stock</g:availability><g:price>\(index == unchanged ? "11.00 EUR" : price)</g:price><g:condition>new</g:condition>
                <g:brand>Lumen</g:brand><g:mpn>M-\(index)</g:mpn></item>
                """
            }
            return """
                <?xml version="1.0" encoding="UTF-8"?>
                <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><title>Lamps</title>
                \(items.joined(separator: "\n"))
                </channel></rss>
                """
        }
        try cli.run("import", try cli.folder.write("a.xml", feed(count: 201, price: "10.00 EUR")))
        let long = try cli.run("import", try cli.folder.write("b.xml", feed(count: 201, price: "11.00 EUR")))
        #expect(long.status == 0)
        #expect(long.stdout.hasSuffix("\n  201 products changed (campaignctl catalog history shows them)\n"))
        let listed = try cli.run(
            "import",
            try cli.folder.write("c.xml", feed(count: 200, price: "12.00 EUR", unchanged: 199))
        )
        #expect(listed.stdout.contains("\n  ~ changed P-0\n      price: 11.00 EUR → 12.00 EUR\n"))
        #expect(listed.stdout.contains("\n  - removed P-200\n"))
        #expect(!listed.stdout.contains("products changed"))
    }

    @Test func jsonReportIsMachineReadable() throws {
        let cli = try CLIRunner()
        let result = try cli.run(
            "import",
            try cli.sample("catalog-day1.xml", as: "day1.xml"),
            "--json",
            "--catalog",
            "ml"
        )
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["read"] as? Int == 40)
        #expect(object["import_id"] as? Int == 1)
        #expect((object["diagnostics"] as? [[String: Any]])?.isEmpty == false)
        #expect(result.stderr.hasPrefix("error: day1.xml:"))
    }

    @Test func aMalformedFeedChangesNothingAndSaysWhere() throws {
        let cli = try CLIRunner()
        try cli.run("import", try cli.sample("catalog-day1.xml", as: "day1.xml"), "--catalog", "ml")
        let before = try cli.run("catalog", "products", "--catalog", "ml", "--json").stdout
        try cli.folder.write("broken.xml", "<rss version=\"2.0\"><channel>\n<item><title>x</item></channel></rss>")
        let result = try cli.run("import", "broken.xml", "--catalog", "ml")
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr
                == "broken.xml:2: error: [malformed_xml] the feed is not well-formed XML: "
                + "Opening and ending tag mismatch: title line 2 and item\n"
        )
        #expect(try cli.run("catalog", "products", "--catalog", "ml", "--json").stdout == before)
        let history = try cli.run("catalog", "history").stdout
        // The newest run comes first (its number has a gap on PostgreSQL, whose sequences skip rolled-back ids).
        let newest = history.split(separator: "\n").first.map(String.init) ?? ""
        #expect(newest.hasPrefix("#") && newest.contains(" ml failed broken.xml: "))
    }

    @Test func aMissingFeedExits66() throws {
        let cli = try CLIRunner()
        let result = try cli.run("import", "nope.xml")
        #expect(result.status == 66)
        #expect(result.stderr == "nope.xml: error: cannot read feed: No such file or directory\n")
    }

    @Test func anUnknownProfileIsAUsageError() throws {
        let cli = try CLIRunner()
        let result = try cli.run("import", "feed.xml", "--profile", "bing")
        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown validation profile 'bing' (expected google, meta or x)"))
    }

    @Test func diagnosticsExportAsRFC4180CSV() throws {
        let cli = try CLIRunner()
        try cli.run("import", try cli.sample("catalog-day1.xml", as: "day1.xml"), "--catalog", "ml")
        let csv = try cli.run("catalog", "diagnostics", "--catalog", "ml", "--format", "csv")
        #expect(csv.status == 0)
        let lines = csv.stdout.components(separatedBy: "\r\n")
        #expect(lines.first == "file,line,severity,code,item_id,attribute,message")
        #expect(lines.contains { $0.hasPrefix("day1.xml,878,error,missing_price,ML-CER-SAL-28,price,") })
    }

    @Test func aDryRunStoresNothing() throws {
        let cli = try CLIRunner()
        let result = try cli.run(
            "import",
            try cli.sample("catalog-day1.xml", as: "day1.xml"),
            "--dry-run",
            "--catalog",
            "ml"
        )
        #expect(result.stdout.hasPrefix("dry run (nothing stored): catalog 'ml'"))
        #expect(try cli.run("catalog", "list").stdout.isEmpty)
    }

    @Test func productShowsItsHistory() throws {
        let cli = try CLIRunner()
        try cli.run("import", try cli.sample("catalog-day1.xml", as: "day1.xml"), "--catalog", "ml")
        try cli.run("import", try cli.sample("catalog-day2.xml", as: "day2.xml"), "--catalog", "ml")
        let result = try cli.run("catalog", "product", "ml-cou-lin-45-ter", "--catalog", "ml")
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("ML-COU-LIN-45-TER (catalog 'ml', active)\n"))
        #expect(result.stdout.contains("  price:        34.00 EUR\n"))
        #expect(result.stdout.contains(": added\n"))
        #expect(result.stdout.contains(": changed\n"))
        let missing = try cli.run("catalog", "product", "NOPE", "--catalog", "ml")
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: no product 'NOPE' in catalog 'ml'\n")
    }

    /// A catalog's first import runs with a rollback journal (see BulkJournal in CampaignCore). Killed midway, once its
    /// pages have started going into the file, it leaves a hot journal: the next command rolls it back before it
    /// reads, and finds the workspace exactly as it was, intact and in WAL mode.
    @Test(.enabled(if: CLIRunner.postgresURL == nil, "SQLite's rollback journal"))
    func anImportKilledMidwayIsRolledBackByTheNextCommand() throws {
        let cli = try CLIRunner()
        try cli.run("import", try cli.sample("catalog-day1.xml", as: "day1.xml"), "--catalog", "ml")
        let before = try cli.run("catalog", "products", "--catalog", "ml", "--json").stdout
        let historyBefore = try cli.run("catalog", "history").stdout
        let description = String(repeating: "A lamp of brushed brass with a linen shade. ", count: 20)
        var feed = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><title>Lamps</title>

            """
        for index in 0..<60_000 {
            feed += """
                <item><g:id>P-\(index)</g:id><g:title>Lamp \(index)</g:title><g:description>\(description)</g:description>
                <g:link>https://shop.example/p/\(index)</g:link><g:image_link>https://shop.example/\(index).jpg</g:image_link>
                <g:availability>in_stock</g:availability><g:price>10.00 EUR</g:price><g:condition>new</g:condition>
                <g:brand>Lumen</g:brand><g:mpn>M-\(index)</g:mpn></item>

                """
        }
        let big = try cli.folder.write("big.xml", feed + "</channel></rss>\n")
        let database = cli.folder.path("workspace.sqlite")
        let startSize = try Self.size(of: database)

        let process = Process()
        process.executableURL = Paths.binary
        process.arguments = ["import", big, "--catalog", "lamps"]
        process.environment = cli.environment
        process.currentDirectoryURL = cli.folder.url
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Pages past the 8 MiB page cache spill into the file itself while the journal exists.
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline {
            if FileManager.default.fileExists(atPath: database + "-journal"),
                try Self.size(of: database) > startSize + (4 << 20)
            {
                break
            }
            usleep(5_000)
        }
        try #require(process.isRunning, "the import ended before it could be killed midway")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: database + "-journal"))

        let after = try cli.run("catalog", "products", "--catalog", "ml", "--json")
        #expect(after.status == 0)
        #expect(after.stdout == before)
        #expect(try cli.run("catalog", "list").stdout.hasPrefix("ml: 35 products"))
        #expect(!FileManager.default.fileExists(atPath: database + "-journal"))
        #expect(try cli.run("catalog", "history").stdout == historyBefore)
        #expect(try cli.sql("PRAGMA journal_mode; PRAGMA integrity_check;") == "wal\nok\n")
        #expect(try cli.run("audit", "verify").status == 0)
    }

    private static func size(of path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }
}
