using System.Security.Cryptography;
using System.Text.RegularExpressions;
using PodUnits.Core.Errors;

namespace PodUnits.Images.Store;

/// <summary>Content digests ("sha256:HEX"). Only sha256 is accepted; its 64 hex digits are
/// the only part of a digest ever used in a path, after this check.</summary>
public static partial class Digests
{
    public static bool IsValid(string? digest) => digest is not null && Pattern().IsMatch(digest);

    /// <summary>The hex part, for paths; throws on anything that is not a sha256 digest.</summary>
    public static string Hex(string digest) =>
        IsValid(digest) ? digest[7..] : throw new PodUnitsException($"digest '{Core.Text.OneLine.Of(digest ?? "")}'", "is not sha256: followed by 64 lowercase hex digits");

    public static string Of(ReadOnlySpan<byte> data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    public static string Of(Stream data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>The 12-digit short form people see (as docker prints image IDs).</summary>
    public static string Abbreviate(string digest) => IsValid(digest) ? digest[7..19] : digest;

    // \z, not $: $ also matches before a final "\n", which Hex() would then put in a path.
    [GeneratedRegex(@"^sha256:[a-f0-9]{64}\z")]
    private static partial Regex Pattern();
}
