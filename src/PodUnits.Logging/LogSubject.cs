namespace PodUnits.Logging;

/// <summary>What a message is about, as journal fields: POD_NAME, CONTAINER_NAME and the
/// MESSAGE_ID of <see cref="Journal.JournalMessageIds"/> that `journalctl -x` explains.</summary>
public readonly record struct LogSubject(string? Pod = null, string? Container = null, string? MessageId = null);
