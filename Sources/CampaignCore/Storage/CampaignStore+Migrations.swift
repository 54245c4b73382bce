import GRDB

/// One version of the schema, written in SQLite's dialect; ``PostgresEngine`` translates its few
/// engine-specific words (`INTEGER PRIMARY KEY`, `BLOB`, `WITHOUT ROWID`).
struct SchemaMigration: Sendable {
    var id: String
    var sql: String
    /// PostgreSQL's own script, for the few changes that cannot be written once for both engines (SQLite rebuilds
    /// a table to change a constraint, PostgreSQL alters it in place); `nil`: ``sql``, translated.
    var postgresSQL: String?
}

extension CampaignStore {
    /// SQLite's migrator over ``migrations`` (GRDB records them in `grdb_migrations`).
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.id) { db in try db.execute(sql: migration.sql) }
        }
        return migrator
    }()

    /// The schema, one migration per version; applied migrations are never edited.
    static let migrations: [SchemaMigration] = {
        var migrations: [SchemaMigration] = []
        migrations.append(
            SchemaMigration(
                id: "v1-catalog",
                sql: """
                    CREATE TABLE catalog (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        created_at TEXT NOT NULL
                    );
                    CREATE TABLE import_run (
                        id INTEGER PRIMARY KEY,
                        catalog_id INTEGER NOT NULL REFERENCES catalog(id),
                        source_path TEXT NOT NULL,
                        sha256 TEXT,
                        profile TEXT NOT NULL,
                        format TEXT,
                        started_at TEXT NOT NULL,
                        finished_at TEXT NOT NULL,
                        outcome TEXT NOT NULL CHECK (outcome IN ('committed', 'failed', 'refused')),
                        bytes INTEGER NOT NULL DEFAULT 0,
                        items_read INTEGER NOT NULL DEFAULT 0,
                        added INTEGER NOT NULL DEFAULT 0,
                        changed INTEGER NOT NULL DEFAULT 0,
                        removed INTEGER NOT NULL DEFAULT 0,
                        unchanged INTEGER NOT NULL DEFAULT 0,
                        rejected INTEGER NOT NULL DEFAULT 0,
                        errors INTEGER NOT NULL DEFAULT 0,
                        warnings INTEGER NOT NULL DEFAULT 0,
                        message TEXT
                    );
                    CREATE INDEX import_run_by_catalog ON import_run(catalog_id, id);
                    CREATE TABLE product (
                        id INTEGER PRIMARY KEY,
                        catalog_id INTEGER NOT NULL REFERENCES catalog(id),
                        key TEXT NOT NULL,
                        product_id TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('active', 'removed')),
                        title TEXT NOT NULL,
                        link TEXT NOT NULL,
                        image_link TEXT NOT NULL,
                        price_micros INTEGER NOT NULL,
                        currency TEXT NOT NULL,
                        sale_price_micros INTEGER,
                        availability TEXT NOT NULL,
                        availability_date TEXT,
                        brand TEXT,
                        gtin TEXT,
                        item_group_id TEXT,
                        product_type TEXT,
                        custom_label_0 TEXT,
                        custom_label_1 TEXT,
                        custom_label_2 TEXT,
                        custom_label_3 TEXT,
                        custom_label_4 TEXT,
                        attributes_json TEXT NOT NULL,
                        content_hash BLOB NOT NULL,
                        added_import_id INTEGER NOT NULL REFERENCES import_run(id),
                        changed_import_id INTEGER NOT NULL REFERENCES import_run(id),
                        rejected_import_id INTEGER REFERENCES import_run(id),
                        UNIQUE (catalog_id, key)
                    );
                    CREATE TABLE product_history (
                        id INTEGER PRIMARY KEY,
                        catalog_id INTEGER NOT NULL REFERENCES catalog(id),
                        import_id INTEGER NOT NULL REFERENCES import_run(id),
                        key TEXT NOT NULL,
                        product_id TEXT NOT NULL,
                        change TEXT NOT NULL CHECK (change IN ('added', 'changed', 'removed')),
                        before_hash BLOB,
                        after_hash BLOB,
                        before_json TEXT
                    );
                    CREATE INDEX product_history_by_product ON product_history(catalog_id, key, import_id);
                    CREATE INDEX product_history_by_import ON product_history(import_id);
                    CREATE TABLE diagnostic (
                        id INTEGER PRIMARY KEY,
                        import_id INTEGER NOT NULL REFERENCES import_run(id),
                        item_id TEXT,
                        line INTEGER NOT NULL,
                        attribute TEXT,
                        code TEXT NOT NULL,
                        severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
                        message TEXT NOT NULL
                    );
                    CREATE INDEX diagnostic_by_import ON diagnostic(import_id, item_id);
                    """
            )
        )
        migrations.append(
            SchemaMigration(
                id: "v2-campaigns",
                sql: """
                    CREATE TABLE workspace (
                        id TEXT PRIMARY KEY,
                        brand TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    );
                    CREATE TABLE policy_version (
                        version INTEGER PRIMARY KEY,
                        document TEXT NOT NULL,
                        digest TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('setup', 'proposed', 'in_force', 'superseded', 'rejected')),
                        proposed_by TEXT,
                        created_at TEXT NOT NULL
                    );
                    CREATE TABLE campaign (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        catalog TEXT NOT NULL,
                        format TEXT NOT NULL,
                        status TEXT NOT NULL DEFAULT 'draft',
                        created_at TEXT NOT NULL,
                        created_by TEXT
                    );
                    CREATE TABLE campaign_revision (
                        campaign_id TEXT NOT NULL REFERENCES campaign(id),
                        revision INTEGER NOT NULL,
                        spec_file TEXT NOT NULL,
                        spec_yaml TEXT NOT NULL,
                        manifest TEXT NOT NULL,
                        digest TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        author TEXT,
                        reason TEXT NOT NULL,
                        PRIMARY KEY (campaign_id, revision)
                    );
                    """
            )
        )
        migrations.append(
            SchemaMigration(
                id: "v3-approval",
                sql: """
                    CREATE TABLE claim (
                        id INTEGER PRIMARY KEY,
                        kind TEXT NOT NULL,
                        signer TEXT NOT NULL,
                        campaign_id TEXT,
                        revision INTEGER,
                        policy_version INTEGER,
                        text TEXT NOT NULL,
                        signature TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    );
                    CREATE INDEX claim_by_campaign ON claim(campaign_id, revision);
                    CREATE INDEX claim_by_kind ON claim(kind, policy_version);
                    CREATE TABLE audit_event (
                        seq INTEGER PRIMARY KEY,
                        event TEXT NOT NULL,
                        leaf_hash TEXT NOT NULL
                    );
                    CREATE TABLE notification (
                        id TEXT PRIMARY KEY,
                        audit_seq INTEGER NOT NULL,
                        event TEXT NOT NULL,
                        recipient TEXT NOT NULL,
                        channel_kind TEXT NOT NULL,
                        channel_target TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        last_error TEXT,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    );
                    CREATE INDEX notification_by_status ON notification(status);
                    """
            )
        )
        migrations.append(
            SchemaMigration(
                id: "v4-publishing",
                sql: """
                    CREATE TABLE setting (
                        key TEXT PRIMARY KEY,
                        value TEXT NOT NULL
                    );
                    CREATE TABLE publish_step (
                        campaign_id TEXT NOT NULL,
                        revision INTEGER NOT NULL,
                        action TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        request TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'done')),
                        returned_value TEXT,
                        updated_at TEXT NOT NULL,
                        PRIMARY KEY (campaign_id, revision, action, position)
                    );
                    CREATE TABLE publish_lease (
                        campaign_id TEXT PRIMARY KEY,
                        owner TEXT NOT NULL,
                        expires_at TEXT NOT NULL
                    );
                    """
            )
        )
        migrations.append(
            SchemaMigration(
                id: "v5-reports",
                // Performance rows are keyed by day first: daily ingests append, day-range exports scan a range.
                // A row's campaign and product come from its platform entity (`report_entity`), so a mapping
                // recorded later applies to what is already stored.
                sql: """
                    CREATE TABLE report_entity (
                        id INTEGER PRIMARY KEY,
                        platform_id TEXT NOT NULL UNIQUE,
                        level TEXT NOT NULL,
                        campaign_id TEXT NOT NULL,
                        product_id TEXT,
                        granularity TEXT,
                        origin TEXT NOT NULL
                    );
                    CREATE TABLE performance (
                        day TEXT NOT NULL,
                        entity INTEGER NOT NULL,
                        hour INTEGER NOT NULL,
                        placement TEXT NOT NULL,
                        currency TEXT NOT NULL,
                        impressions INTEGER NOT NULL,
                        engagements INTEGER NOT NULL,
                        clicks INTEGER NOT NULL,
                        link_clicks INTEGER NOT NULL,
                        buy_clicks INTEGER NOT NULL,
                        spend_micros INTEGER NOT NULL,
                        PRIMARY KEY (day, entity, hour, placement)
                    ) WITHOUT ROWID;
                    CREATE TABLE sale (
                        event_id TEXT PRIMARY KEY,
                        type TEXT NOT NULL,
                        created INTEGER NOT NULL,
                        day TEXT NOT NULL,
                        campaign_id TEXT,
                        product_id TEXT,
                        payment_intent TEXT,
                        charge_id TEXT,
                        currency TEXT NOT NULL,
                        orders INTEGER NOT NULL,
                        amount_micros INTEGER NOT NULL,
                        refund_micros INTEGER NOT NULL,
                        counted INTEGER NOT NULL,
                        digest TEXT NOT NULL
                    );
                    CREATE INDEX sale_by_day ON sale(day);
                    CREATE INDEX sale_by_payment_intent ON sale(payment_intent) WHERE payment_intent IS NOT NULL;
                    CREATE INDEX sale_by_charge ON sale(charge_id) WHERE charge_id IS NOT NULL;
                    """
            )
        )
        migrations.append(
            SchemaMigration(
                id: "v6-active-products",
                // The active products of a catalog, by key: an import counts them at its start and, at its end, lists
                // those the feed no longer has, from this index instead of a scan of every stored row (2 KB each).
                sql: """
                    CREATE INDEX product_active ON product(catalog_id, key) WHERE status = 'active';
                    """
            )
        )
        migrations.append(
            SchemaMigration(
                id: "v7-history-change-check",
                // `change IN ('added', 'changed', 'removed')` made SQLite build a temporary B-tree of the three words
                // for every history row it inserted (an IN list of more than two constants is looked up in one):
                // about a microsecond per row, a history row per added or changed product. The same rule spelt with
                // OR is three comparisons. SQLite cannot alter a constraint, so the table is rebuilt as its manual
                // advises (create, copy, drop, rename, index again); PostgreSQL has no such cost and alters it.
                sql: """
                    CREATE TABLE product_history_v7 (
                        id INTEGER PRIMARY KEY,
                        catalog_id INTEGER NOT NULL REFERENCES catalog(id),
                        import_id INTEGER NOT NULL REFERENCES import_run(id),
                        key TEXT NOT NULL,
                        product_id TEXT NOT NULL,
                        change TEXT NOT NULL CHECK (change = 'added' OR change = 'changed' OR change = 'removed'),
                        before_hash BLOB,
                        after_hash BLOB,
                        before_json TEXT
                    );
                    INSERT INTO product_history_v7 (id, catalog_id, import_id, key, product_id, change, before_hash,
                        after_hash, before_json)
                    SELECT id, catalog_id, import_id, key, product_id, change, before_hash, after_hash, before_json
                    FROM product_history;
                    DROP TABLE product_history;
                    ALTER TABLE product_history_v7 RENAME TO product_history;
                    CREATE INDEX product_history_by_product ON product_history(catalog_id, key, import_id);
                    CREATE INDEX product_history_by_import ON product_history(import_id);
                    """,
                postgresSQL: """
                    ALTER TABLE product_history DROP CONSTRAINT product_history_change_check;
                    ALTER TABLE product_history ADD CONSTRAINT product_history_change_check
                        CHECK (change = 'added' OR change = 'changed' OR change = 'removed');
                    """
            )
        )
        migrations.append(
            SchemaMigration(
                id: "v8-fewer-import-indexes",
                // Each index on a table the import writes costs about 4,700 instructions per row (SQLite seeks every
                // index insert from its root). Two of the four an added product wrote go, a sixth of the writing
                // thread's work per added product:
                // - `product_active` listed every active product by key. An import now finds the products a feed no
                //   longer lists from the unique key index, which holds every product of a catalog, less the few
                //   removed ones, which `product_removed` lists (it changes only when a product is removed or back).
                //   Both are covering; `product_active` was not (SQLite 3.40 reads the row to check a partial
                //   index's own condition unless the column is in the index), so every re-import read every stored
                //   row twice, to count the active products and to find the unlisted ones.
                // - The history's two indexes become one, by import and key: an import's changes come in key order,
                //   and a product's history is one probe per import of its catalog.
                sql: """
                    DROP INDEX product_active;
                    CREATE INDEX product_removed ON product(catalog_id, status) WHERE status = 'removed';
                    DROP INDEX product_history_by_product;
                    DROP INDEX product_history_by_import;
                    CREATE INDEX product_history_by_import ON product_history(import_id, key);
                    """
            )
        )
        migrations.append(
            SchemaMigration(
                id: "v9-product-source-hash",
                // The SHA-256 of what the product's feed item was validated from (`ItemValidator.fingerprintInput`),
                // when that item had no diagnostics: a re-import skips validating an item whose fingerprint is its
                // stored product's. NULL for rows stored before, and (until v10) for items with warnings, whose
                // diagnostics each import reports again.
                sql: """
                    ALTER TABLE product ADD COLUMN source_hash BLOB;
                    """
            )
        )
        migrations.append(
            SchemaMigration(
                id: "v10-product-source-outcome",
                // What a re-import that skips validating the record a product's `source_hash` fingerprints needs
                // besides: its warnings (`StoredWarnings`; NULL: none), which it reports again, and the times for
                // which its outcome holds (`ValidatedItem.stableTimes`, seconds since 1970, `from` included, `until`
                // not; NULL: no bound), outside which it validates the record again. Before, an item with warnings
                // or whose outcome depended on the clock got no fingerprint, and every import validated it again.
                sql: """
                    ALTER TABLE product ADD COLUMN source_warnings BLOB;
                    ALTER TABLE product ADD COLUMN source_valid_from INTEGER;
                    ALTER TABLE product ADD COLUMN source_valid_until INTEGER;
                    """
            )
        )
        return migrations
    }()
}
