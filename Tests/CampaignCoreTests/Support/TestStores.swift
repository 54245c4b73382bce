import Foundation
import TestSupport

@testable import CampaignCore

/// The engine the store tests run on: SQLite always; PostgreSQL when `CAMPAIGNCTL_TEST_PG` names a
/// server (`Scripts/test.sh` starts a throwaway one and runs this target a second time against it).
/// The same tests are thus the store's contract on both engines.
enum TestEngine {
    static var postgresURL: String? { TestPostgres.url }

    static var isPostgres: Bool { postgresURL != nil }

    /// A workspace for one test: a SQLite file in its folder, or a schema of its own on the server.
    static func openStore(
        _ folder: TemporaryDirectory,
        file: String = "campaigns.sqlite",
        context: CoreContext
    ) throws -> CampaignStore {
        guard let url = postgresURL else {
            return try CampaignStore.open(at: folder.path(file), context: context)
        }
        return try CampaignStore.open(location: TestPostgres.freshSchemaURL(url, prefix: "t_").url, context: context)
    }
}

extension CampaignStore {
    /// Direct SQL on the store's tables, as an attacker who owns the database would run it.
    func tamper(_ sql: String, _ arguments: SQLArguments = []) throws {
        try write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    /// The first column of the first row of a query, read behind the store's back.
    func scalar<T: SQLValueConvertible>(_ sql: String, _ arguments: SQLArguments = []) throws -> T? {
        try read { db in try db.fetchOne(T.self, sql: sql, arguments: arguments) }
    }
}
