import ArgumentParser
import CampaignCore
import FeedImport
import Foundation

/// Conditions the CLI itself reports (the library's errors are mapped below).
enum CommandError: Error, CustomStringConvertible {
    /// Items were rejected: the valid ones are stored, the command still fails (like a compiler).
    case itemsRejected(count: Int, source: String)
    /// An output file could not be written.
    case cannotWrite(path: String, reason: String)
    /// The person did not confirm a signature.
    case declined

    var description: String {
        switch self {
        case .itemsRejected(let count, let source):
            "\(source): \(count) item\(count == 1 ? "" : "s") rejected (see the diagnostics above); "
                + "the valid items were stored"
        case .cannotWrite(let path, let reason):
            "cannot write \(path): \(reason)"
        case .declined:
            "not signed: you did not confirm"
        }
    }
}

/// The one place where errors become a message on stderr and an exit code (sysexits(3)).
enum CommandFailure {
    static func exit(for error: any Error) -> Never {
        let message: String
        let code: ExitCode
        switch error {
        case is ValidationError, is CleanExit, is ExitCode:
            CampaignCtl.exit(withError: error)
        case let error as FeedImportError:
            if case .unreadable = error {
                (message, code) = (error.description, ExitCode(66))
            } else {
                (message, code) = (error.description, ExitCode(65))
            }
        case let error as CatalogError:
            switch error {
            case .massRemovalRefused:
                (message, code) = (error.description, ExitCode(65))
            case .unknownProfile:
                (message, code) = ("error: \(error)", ExitCode(64))
            default:
                (message, code) = ("error: \(error)", .failure)
            }
        case let error as CommandError:
            switch error {
            case .itemsRejected:
                (message, code) = ("error: \(error)", ExitCode(65))
            case .cannotWrite:
                (message, code) = ("error: \(error)", ExitCode(74))
            case .declined:
                (message, code) = ("error: \(error)", .failure)
            }
        case let error as CampaignValidationFailure:
            (message, code) = ("error: \(error)", ExitCode(65))
        case let error as CampaignError:
            switch error {
            case .invalidSpec:
                (message, code) = ("error: \(error)", ExitCode(65))
            case .unreadableSpec:
                (message, code) = ("error: \(error)", ExitCode(66))
            default:
                (message, code) = ("error: \(error)", .failure)
            }
        case let error as WorkspaceError:
            switch error {
            case .invalidDomain:
                (message, code) = ("error: \(error)", ExitCode(64))
            default:
                (message, code) = ("error: \(error)", .failure)
            }
        case let error as ApprovalError:
            (message, code) = ("error: \(error)", ExitCode(77))
        case let error as WorkspaceCopyError:
            switch error {
            case .verificationFailed:
                (message, code) = ("error: \(error)", ExitCode(77))
            case .sameDatabase, .targetNotEmpty:
                (message, code) = ("error: \(error)", ExitCode(64))
            }
        case let error as PublishError:
            switch error {
            case .inProgressElsewhere:
                (message, code) = ("error: \(error)", ExitCode(75))
            case .notConfigured, .unknownTarget:
                (message, code) = ("error: \(error)", ExitCode(78))
            case .stepFailed:
                (message, code) = ("error: \(error)", ExitCode(69))
            }
        case let error as AdPlatformError:
            (message, code) = ("error: \(error)", ExitCode(69))
        case let error as Outbox.OutboxError:
            (message, code) = ("error: \(error)", ExitCode(74))
        case let error as KeystoreError:
            (message, code) = ("error: \(error)", ExitCode(77))
        case let error as StoreError:
            switch error.kind {
            case .busy:
                (message, code) = ("error: \(error)", ExitCode(75))
            case .schemaTooNew:
                (message, code) = ("error: \(error)", ExitCode(78))
            case .corrupt:
                (message, code) = ("error: \(error)", ExitCode(77))
            default:
                (message, code) = ("error: \(error)", ExitCode(74))
            }
        case let error as ReportError:
            switch error {
            case .rejected:
                (message, code) = ("\(error)", ExitCode(65))
            case .unreadable:
                (message, code) = ("error: \(error)", ExitCode(66))
            case .cannotWrite:
                (message, code) = ("error: \(error)", ExitCode(74))
            case .invalidOption:
                (message, code) = ("error: \(error)", ExitCode(64))
            }
        default:
            // `help` and `--help` come back from parseAsRoot as a command whose run() throws ArgumentParser's own
            // (internal) error type: that one is ArgumentParser's to print.
            if String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
                CampaignCtl.exit(withError: error)
            }
            (message, code) = ("error: internal: \(error)", ExitCode(70))
        }
        Output.error(message)
        CampaignCtl.exit(withError: code)
    }
}
