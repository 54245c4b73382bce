import ArgumentParser
import CSV
import CampaignCore
import FeedImport
import Foundation

extension CampaignCtl {
    struct Catalog: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "catalog",
            abstract: "Inspect catalogs, products, their history and import diagnostics.",
            subcommands: [List.self, Products.self, Product.self, Diagnostics.self, History.self]
        )
    }
}

extension CampaignCtl.Catalog {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List catalogs.")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let catalogs = try global.openStore().catalogs()
            if json {
                try Output.json(catalogs)
                return
            }
            for catalog in catalogs {
                let last =
                    catalog.lastImportID.map { "last import #\($0) at \(catalog.lastImportAt ?? "?")" } ?? "no import"
                Output.line(
                    "\(catalog.name): \(Output.grouped(catalog.activeProducts)) products "
                        + "(\(Output.grouped(catalog.removedProducts)) removed), \(catalog.imports) imports, \(last)"
                )
            }
        }
    }

    struct Products: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "products",
            abstract: "List a catalog's current products."
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: "The catalog.") var catalog = "default"
        @Flag(help: "Include removed products.") var removed = false
        @Option(help: "Show at most this many.") var limit: Int?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let products = try global.openStore().products(catalog: catalog, includeRemoved: removed, limit: limit)
            if json {
                try Output.json(products)
                return
            }
            for product in products {
                var price =
                    "\(Money.decimalString(micros: product.priceMicros, currency: product.currency)) "
                    + product.currency
                if let sale = product.salePriceMicros {
                    price =
                        "\(Money.decimalString(micros: sale, currency: product.currency)) \(product.currency) "
                        + "(was \(price))"
                }
                var flags = product.status == "removed" ? " [removed]" : ""
                if let rejected = product.rejectedImportID {
                    flags += " [rejected by import #\(rejected): previous version kept]"
                }
                Output.line("\(product.id)\t\(product.title)\t\(price)\t\(product.availability)\(flags)")
            }
        }
    }

    struct Product: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "product",
            abstract: "Show one product with its history."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The product id.") var id: String
        @Option(help: "The catalog.") var catalog = "default"
        @Flag(help: "Print JSON.") var json = false

        struct Detail: Encodable {
            var product: StoredProduct
            var history: [ProductChange]
        }

        func run() throws {
            let store = try global.openStore()
            let product = try store.product(catalog: catalog, id: id)
            let history = try store.productHistory(catalog: catalog, id: id)
            if json {
                try Output.json(Detail(product: product, history: history))
                return
            }
            Output.line("\(product.id) (catalog '\(product.catalog)', \(product.status))")
            Output.line("  title:        \(product.title)")
            Output.line(
                "  price:        \(Money.decimalString(micros: product.priceMicros, currency: product.currency)) \(product.currency)"
            )
            if let sale = product.salePriceMicros {
                Output.line(
                    "  sale price:   \(Money.decimalString(micros: sale, currency: product.currency)) \(product.currency)"
                )
            }
            Output.line("  availability: \(product.availability)")
            Output.line("  link:         \(product.link)")
            Output.line("  image:        \(product.imageLink)")
            if let rejected = product.rejectedImportID {
                Output.line("  flagged:      import #\(rejected) rejected the feed's item; this stored version is kept")
            }
            Output.line("  content hash: \(product.contentHash)")
            Output.line("  attributes:   \(product.attributesJSON)")
            Output.line("history:")
            for change in history {
                Output.line("  import #\(change.importID) \(change.importedAt): \(change.change)")
            }
        }
    }

    struct Diagnostics: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diagnostics",
            abstract: "Show the diagnostics of an import."
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json, csv
        }

        @OptionGroup var global: GlobalOptions
        @Option(help: "The catalog.") var catalog = "default"
        @Option(name: .customLong("import"), help: "The import number (default: the latest).") var importID: Int64?
        @Option(help: "text, json or csv.") var format = Format.text

        func run() throws {
            let diagnostics = try global.openStore().diagnostics(catalog: catalog, importID: importID)
            switch format {
            case .text:
                for diagnostic in diagnostics {
                    Output.line(diagnostic.description)
                }
            case .json:
                try Output.json(diagnostics)
            case .csv:
                let writer = try CSVWriter(stream: .toMemory(), newline: .crlf)
                try writer.write(row: ["file", "line", "severity", "code", "item_id", "attribute", "message"])
                for diagnostic in diagnostics {
                    try writer.write(row: [
                        diagnostic.file, String(diagnostic.line), diagnostic.severity, diagnostic.code,
                        diagnostic.itemID ?? "", diagnostic.attribute ?? "", diagnostic.message,
                    ])
                }
                writer.stream.close()
                if let data = writer.stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data {
                    Output.bytes(data + Data("\r\n".utf8))
                }
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract: "List import runs, newest first."
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this catalog.") var catalog: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let runs = try global.openStore().imports(catalog: catalog)
            if json {
                try Output.json(runs)
                return
            }
            for run in runs {
                var line = "#\(run.id) \(run.finishedAt) \(run.catalog) \(run.outcome) \(run.source)"
                if run.outcome == "committed" {
                    line +=
                        ": read \(run.read), added \(run.added), changed \(run.changed), removed \(run.removed), "
                        + "unchanged \(run.unchanged), rejected \(run.rejected)"
                } else if let message = run.message {
                    line += ": \(message)"
                }
                Output.line(line)
            }
        }
    }
}
