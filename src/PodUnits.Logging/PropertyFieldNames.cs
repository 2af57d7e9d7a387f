using System.Collections.Concurrent;
using System.Text;

using PodUnits.Journal;

namespace PodUnits.Logging;

/// <summary>
/// Maps Serilog property names to journal field names: PascalCase words become
/// UPPER_SNAKE_CASE (PodName -> POD_NAME, HTTPStatus -> HTTP_STATUS, ContainerID ->
/// CONTAINER_ID), then <see cref="JournalFieldName.Normalise"/> applies journald's rules.
/// A property that would overwrite a field the sink writes itself (Message, Priority, ...)
/// is sent as PROPERTY_NAME instead. Results are cached: events reuse few names.
/// </summary>
internal static class PropertyFieldNames
{
    private const int CacheLimit = 4096; // property names are code, but don't let them grow without bound

    private static readonly HashSet<string> s_sinkFields =
    [
        "MESSAGE", "MESSAGE_ID", "MESSAGE_TEMPLATE", "PRIORITY", "SYSLOG_IDENTIFIER",
        "EXCEPTION", "EXCEPTION_TYPE", "EXCEPTION_MESSAGE",
    ];

    private static readonly ConcurrentDictionary<string, JournalFieldName> s_cache = new(StringComparer.Ordinal);

    public static JournalFieldName For(string propertyName)
    {
        if (s_cache.TryGetValue(propertyName, out JournalFieldName? cached))
        {
            return cached;
        }
        JournalFieldName name = JournalFieldName.Create(Map(propertyName));
        if (s_cache.Count < CacheLimit)
        {
            s_cache.TryAdd(propertyName, name);
        }
        return name;
    }

    internal static string Map(string propertyName)
    {
        string field = JournalFieldName.Normalise(ToSnake(propertyName));
        return s_sinkFields.Contains(field) ? JournalFieldName.Normalise("PROPERTY_" + field) : field;
    }

    private static string ToSnake(string name)
    {
        var result = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (i > 0 && char.IsAsciiLetterUpper(c))
            {
                char previous = name[i - 1];
                bool nextIsLower = i + 1 < name.Length && char.IsAsciiLetterLower(name[i + 1]);
                // A word starts at lower->Upper (podName) and at the last capital of an
                // acronym followed by lower case (HTTPStatus: the S).
                if (char.IsAsciiLetterLower(previous) || char.IsAsciiDigit(previous)
                    || (char.IsAsciiLetterUpper(previous) && nextIsLower))
                {
                    result.Append('_');
                }
            }
            result.Append(c);
        }
        return result.ToString();
    }
}
