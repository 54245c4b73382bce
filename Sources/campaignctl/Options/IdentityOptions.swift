import ArgumentParser
import Foundation

/// Who is acting: `--as NAME` or `CAMPAIGNCTL_USER`.
struct IdentityOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp("The person acting (env CAMPAIGNCTL_USER).", valueName: "name"))
    var person: String?

    /// The acting person, when known.
    var name: String? {
        person ?? ProcessInfo.processInfo.environment["CAMPAIGNCTL_USER"]
    }
}
