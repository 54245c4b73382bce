import ArgumentParser
import CampaignCore

extension CampaignCtl {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create the brand's workspace and its policy, version 1, in setup mode.",
            discussion: """
                The verified domains are the only hosts Buy buttons, product links and images may point to \
                (subdomains included).
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The brand's name.")
        var brand: String

        @Option(name: .customLong("domain"), help: "A verified domain (repeat for several).")
        var domains: [String] = []

        func validate() throws {
            guard !domains.isEmpty else {
                throw ValidationError("give at least one --domain (e.g. --domain maison-lumiere.fr)")
            }
        }

        func run() throws {
            let workspace = try global.openStore().initializeWorkspace(brand: brand, domains: domains)
            Output.line("workspace \(workspace.id) for '\(workspace.brand)': policy v1 in setup mode")
            Output.line("verified domains: \(workspace.policy.verifiedDomains.joined(separator: ", "))")
        }
    }
}
