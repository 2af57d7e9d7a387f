using System.Text.Json;

namespace PodUnits.Core.Errors;

/// <summary>
/// What is wrong with malformed JSON, in words. The executables are built with
/// UseSystemResourceKeys, so JsonException's message is a resource key
/// ("ZeroDepthAtEnd, LineNumber: 1 | BytePositionInLine: 0."): the common ones are said here;
/// the position is the caller's (it knows the file and how it counts columns).
/// </summary>
public static class JsonErrors
{
    private static readonly Dictionary<string, string> Keys = new(StringComparer.Ordinal)
    {
        ["ExpectedJsonTokens"] = "no JSON value (an empty file?)",
        ["ZeroDepthAtEnd"] = "it ends inside an object or array (a missing '}' or ']')",
        ["ExpectedEndAfterSingleJson"] = "more text after the end of the JSON value",
        ["ExpectedStartOfValueNotFound"] = "a value was expected here",
        ["ExpectedStartOfPropertyNotFound"] = "a property name in double quotes was expected here",
        ["ExpectedStartOfPropertyOrValueNotFound"] = "a property name or a value was expected here",
        ["ExpectedSeparatorAfterPropertyNameNotFound"] = "':' was expected after the property name",
        ["ExpectedValueAfterPropertyNameNotFound"] = "a value was expected after ':'",
        ["EndOfStringNotFound"] = "a string is not closed",
        ["FoundInvalidCharacter"] = "an unexpected character",
        ["InvalidCharacterWithinString"] = "a control character inside a string",
        ["TrailingCommaNotAllowedBeforeObjectEnd"] = "a ',' before '}'",
        ["TrailingCommaNotAllowedBeforeArrayEnd"] = "a ',' before ']'",
        ["MismatchedObjectArray"] = "a ']' or '}' that does not close what is open",
        ["ExpectedEndOfDigitNotFound"] = "a malformed number",
        ["InvalidEndOfJsonNonPrimitive"] = "a malformed literal (true, false or null?)",
        ["ExpectedFalse"] = "a malformed literal (false?)",
        ["ExpectedTrue"] = "a malformed literal (true?)",
        ["ExpectedNull"] = "a malformed literal (null?)",
        ["EndOfCommentNotFound"] = "a comment is not closed",
        ["UnexpectedEndOfDataWhileReadingComment"] = "a comment is not closed",
    };

    /// <summary>The problem without its position, e.g. "a string is not closed".</summary>
    public static string Describe(JsonException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string message = e.Message;
        // The reader appends the position to the key's text: "KEY, LineNumber: ..." when the
        // key has arguments, "KEY LineNumber: ..." when it has none.
        int position = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        string text = position > 0 ? message[..position] : message;
        if (ResourceKeys.Key(text.TrimEnd(',', ' ')) is { } key)
        {
            return Keys.TryGetValue(key, out string? words) ? words : "malformed";
        }
        int sentence = text.IndexOf(". ", StringComparison.Ordinal);
        return (sentence > 0 ? text[..sentence] : text).TrimEnd('.', ' ');
    }

}
