import ArgumentParser
import CampaignCore
import Foundation

/// A command whose events may notify people; queued notifications are delivered after it runs.
protocol NotifyingCommand {
    var global: GlobalOptions { get }
}

extension CampaignCtl.Import: NotifyingCommand {}
extension CampaignCtl.Campaign.Submit: NotifyingCommand {}
extension CampaignCtl.Campaign.Approve: NotifyingCommand {}
extension CampaignCtl.Campaign.Reject: NotifyingCommand {}
extension CampaignCtl.Campaign.Publish: NotifyingCommand {}
extension CampaignCtl.Campaign.Pause: NotifyingCommand {}
extension CampaignCtl.Campaign.Resume: NotifyingCommand {}
extension CampaignCtl.Campaign.End: NotifyingCommand {}
extension CampaignCtl.PauseCommand: NotifyingCommand {}
extension CampaignCtl.PublishGroup.Verify: NotifyingCommand {}
extension CampaignCtl.Policy.Seal: NotifyingCommand {}
extension CampaignCtl.Policy.Propose: NotifyingCommand {}
extension CampaignCtl.Policy.Approve: NotifyingCommand {}
extension CampaignCtl.User.Revoke: NotifyingCommand {}

enum NotificationDelivery {
    /// Delivers what the command queued; failures are listed, retried later, and never hide the command's outcome.
    static func deliverPending(for global: GlobalOptions) async {
        guard let store = try? global.openStore(), (try? store.workspace()) != nil else {
            return
        }
        let environment = ProcessInfo.processInfo.environment
        guard
            let outcome = try? await store.deliverNotifications(
                transport: LiveNotificationTransport(),
                environment: environment
            )
        else {
            return
        }
        if outcome.failed > 0 {
            Output.error(
                "warning: \(outcome.failed) notification(s) could not be delivered; they will be retried "
                    + "(campaignctl notifications list, notifications retry)"
            )
        }
    }
}

extension CampaignCtl {
    struct Notifications: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "notifications",
            abstract: "Notifications sent to every other person on each event: list them, retry failed ones.",
            subcommands: [List.self, Retry.self]
        )

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "List notifications, newest first."
            )

            @OptionGroup var global: GlobalOptions
            @Flag(help: "Only those not delivered.") var undelivered = false
            @Flag(help: "Print JSON.") var json = false

            func run() throws {
                let notifications = try global.openStore().notifications(undeliveredOnly: undelivered)
                if json {
                    try Output.json(notifications)
                    return
                }
                for item in notifications {
                    let error = item.lastError.map { " — \($0)" } ?? ""
                    Output.line(
                        "#\(item.auditSeq) \(item.event) → \(item.recipient) via \(item.channelKind) \(item.channelTarget): "
                            + "\(item.status) after \(item.attempts) attempt(s)\(error)"
                    )
                }
            }
        }

        struct Retry: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "retry",
                abstract: "Deliver pending and failed notifications again."
            )

            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let store = try global.openStore()
                let outcome = try await store.deliverNotifications(
                    transport: LiveNotificationTransport(),
                    environment: ProcessInfo.processInfo.environment,
                    retryFailed: true
                )
                Output.line("delivered \(outcome.delivered), failed \(outcome.failed)")
                if outcome.failed > 0 {
                    throw PublishError.stepFailed(
                        campaignID: "notifications",
                        step: "delivery",
                        reason: "\(outcome.failed) failed"
                    )
                }
            }
        }
    }
}
