using System.Buffers;
using System.Text;
using System.Text.Unicode;
using PodUnits.Core.Files;

namespace PodUnits.Definitions.Yaml;

/// <summary>
/// The text of the files the YAML reader reads (definitions, ConfigMap and Secret files,
/// podunits.yaml), and its lines as the parser counts them.
/// </summary>
internal static class YamlText
{
    /// <summary>
    /// The text of <paramref name="path"/> (bounded, as <see cref="BoundedFile.Read"/>), or null
    /// with <paramref name="refusal"/> saying why and where: not a regular file or too large
    /// (at 1:1, BoundedFile's words), or a byte that is not UTF-8 (at that byte). I/O errors
    /// throw, as BoundedFile's do.
    /// </summary>
    public static string? Read(string path, long maxBytes, out TextRefusal? refusal)
    {
        if (BoundedFile.Read(path, maxBytes, out string? why) is not { } bytes)
        {
            refusal = new TextRefusal(1, 1, why!);
            return null;
        }
        return Decode(bytes, out refusal);
    }

    /// <summary>
    /// <paramref name="bytes"/> as UTF-8 (a byte order mark skipped; one of UTF-16 or UTF-32
    /// decodes as File.ReadAllText does), or null with the position of the first byte that is
    /// not UTF-8. Encoding.UTF8 put U+FFFD there without a word, so a Latin-1 file validated
    /// and a container got "p\uFFFDss" as its password, where kubectl and podman refuse the
    /// file ("invalid leading UTF-8 octet"; definitions review of 2026-12-07, finding 4).
    /// </summary>
    public static string? Decode(byte[] bytes, out TextRefusal? refusal)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        refusal = null;
        ReadOnlySpan<byte> utf8 = bytes;
        if (utf8 is [0xEF, 0xBB, 0xBF, ..])
        {
            utf8 = utf8[3..];
        }
        else if (utf8 is [0xFE, 0xFF, ..] or [0xFF, 0xFE, ..] or [0x00, 0x00, 0xFE, 0xFF, ..])
        {
            using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        char[] chars = new char[utf8.Length]; // UTF-8 never has fewer bytes than UTF-16 has chars
        if (Utf8.ToUtf16(utf8, chars, out int read, out int written, replaceInvalidSequences: false) == OperationStatus.Done)
        {
            return new string(chars, 0, written);
        }
        (int line, int column) = End(chars.AsSpan(0, written));
        refusal = new TextRefusal(line, column, $"not UTF-8 text (byte 0x{utf8[read]:X2}); save the file as UTF-8")
        {
            Text = Encoding.UTF8.GetString(utf8),
        };
        return null;
    }

    /// <summary>Whether the parser starts a new line at <paramref name="c"/>: YamlDotNet breaks
    /// lines at "\r\n", "\r", "\n", U+0085, U+2028 and U+2029 (CharacterAnalyzer.IsBreak).</summary>
    public static bool IsBreak(char c) => c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029';

    /// <summary>The lines of <paramref name="text"/> as the parser numbers them, without their breaks.</summary>
    public static string[] Lines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = new List<string>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (IsBreak(text[i]))
            {
                lines.Add(text[start..i]);
                if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
                start = i + 1;
            }
        }
        lines.Add(text[start..]);
        return [.. lines];
    }

    /// <summary>The line and column (1-based) just after <paramref name="text"/>, as the parser counts them.</summary>
    private static (int Line, int Column) End(ReadOnlySpan<char> text)
    {
        int line = 1;
        int column = 1;
        for (int i = 0; i < text.Length; i++)
        {
            if (!IsBreak(text[i]))
            {
                column++;
            }
            else if (text[i] != '\r' || i + 1 >= text.Length || text[i + 1] != '\n')
            {
                (line, column) = (line + 1, 1);
            }
        }
        return (line, column);
    }
}

/// <summary>Why a file's text could not be had, and where (1:1 for the file as a whole).</summary>
internal readonly record struct TextRefusal(int Line, int Column, string Message)
{
    /// <summary>The text as far as it can be read (bytes that are not UTF-8 as U+FFFD), to
    /// tell whether the position is in a Secret's document; null when none was read.</summary>
    public string? Text { get; init; }
}
