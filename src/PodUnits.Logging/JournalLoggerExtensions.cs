using PodUnits.Journal;
using Serilog;

namespace PodUnits.Logging;

public static class JournalLoggerExtensions
{
    /// <summary>
    /// A logger whose events carry MESSAGE_ID <paramref name="messageId"/> (one of
    /// <see cref="JournalMessageIds"/>), so <c>journalctl -x</c> explains them from the catalog:
    /// <c>log.ForMessageId(JournalMessageIds.PodStarted).Information("Pod {PodName} started", name)</c>.
    /// </summary>
    public static ILogger ForMessageId(this ILogger logger, string messageId)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        return logger.ForContext(JournalMessageIds.PropertyName, messageId);
    }
}
