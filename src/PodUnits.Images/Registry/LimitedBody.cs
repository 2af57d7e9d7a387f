using PodUnits.Core.Errors;

namespace PodUnits.Images.Registry;

/// <summary>
/// Reads registry response bodies with a ceiling that holds whatever the transfer encoding:
/// Content-Length is checked up front when there is one, and the stream itself is read at
/// most one byte past the ceiling, so a chunked body (no Content-Length) that goes on and
/// on fails as soon as it passes the limit instead of filling memory or disk, and one that
/// stops sending fails after the inactivity timeout (<see cref="Inactivity"/>).
/// </summary>
internal static class LimitedBody
{
    /// <summary>Manifests and indexes: 4 MiB, the limit registries commonly enforce when a
    /// manifest is pushed; real ones are a few KiB.</summary>
    public const int MaxManifestBytes = 4 << 20;

    /// <summary>Image configs are read whole into memory too; they carry history and
    /// labels, so somewhat more room than manifests.</summary>
    public const int MaxConfigBytes = 8 << 20;

    /// <summary>Token service answers (a JWT or two in JSON).</summary>
    public const int MaxTokenBytes = 1 << 20;

    /// <summary>Of an error body only the start is shown.</summary>
    public const int MaxErrorBytes = 4 << 10;

    /// <summary>The whole body, or <see cref="PodUnitsException"/> naming <paramref name="what"/>
    /// as soon as it is longer than <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]> ReadAsync(HttpResponseMessage response, long limit, string what, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > limit) throw TooLarge(what, limit);
        var output = new MemoryStream();
        await CopyAsync(response, output, limit + 1, cancellationToken);
        if (output.Length > limit) throw TooLarge(what, limit);
        return output.ToArray();
    }

    /// <summary>At most the first <paramref name="limit"/> bytes of the body; the rest is
    /// never read.</summary>
    public static async Task<byte[]> ReadPrefixAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        var output = new MemoryStream();
        await CopyAsync(response, output, limit, cancellationToken);
        return output.ToArray();
    }

    /// <summary>Copies until the body ends or <paramref name="most"/> bytes have been read.</summary>
    private static async Task CopyAsync(HttpResponseMessage response, MemoryStream output, long most, CancellationToken cancellationToken)
    {
        await using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken);
        byte[] buffer = new byte[1 << 16];
        int n;
        while (output.Length < most
            && (n = await Inactivity.ReadAsync(response, body, buffer.AsMemory(0, (int)Math.Min(buffer.Length, most - output.Length)), cancellationToken)) > 0)
        {
            output.Write(buffer, 0, n);
        }
    }

    public static PodUnitsException TooLarge(string what, long limit) =>
        new(what, $"is larger than {Describe(limit)}; refused");

    private static string Describe(long bytes) => bytes % (1 << 20) == 0 ? $"{bytes >> 20} MiB" : $"{bytes} bytes";
}
