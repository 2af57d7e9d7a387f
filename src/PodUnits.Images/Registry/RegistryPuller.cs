using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using PodUnits.Core.Errors;
using PodUnits.Images.Oci;
using PodUnits.Core.Naming;
using PodUnits.Images.Store;
using PodUnits.Images.Trust;

namespace PodUnits.Images.Registry;

/// <summary>
/// Pulls one image into the blob store: manifest (an index is narrowed to linux/host-arch),
/// config, then the layers not stored yet, a few at a time. Every blob is verified against
/// its digest before it gets its final name; a broken transfer is resumed with a Range
/// request, up to <see cref="MaxAttempts"/> tries. No body is read past its limit, whatever
/// the transfer encoding: manifests and indexes 4 MiB, configs 8 MiB (see
/// <see cref="LimitedBody"/>), every blob the size its descriptor declares.
/// </summary>
/// The trust policy (<see cref="ImageTrust"/>) is applied to the manifest the reference
/// names, before anything else is fetched. With mirrors (registries.yaml), the first source
/// that serves that manifest serves the rest of the pull, as containers/image does: the
/// image is named and judged by its own name, its signatures are looked for where it came
/// from, and every blob is checked against its digest wherever it came from.
internal sealed class RegistryPuller(RegistryClient client, BlobStore blobs, ImageTrust trust)
{
    public const int MaxAttempts = 5;
    private const int ParallelBlobs = 3;

    /// <summary>Returns the digest of the platform manifest, whose blobs are all stored.</summary>
    public async Task<string> PullAsync(ImageReference reference, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        (ImageReference source, (byte[] data, string digest, bool isIndex)) = await FirstSourceAsync(reference,
            from => GetManifestAsync(from, from.ManifestReference, from.Digest, LimitedBody.MaxManifestBytes, cancellationToken), cancellationToken);
        string topDigest = digest;
        byte[] top = data;
        await trust.CheckPullAsync(reference, source, topDigest, ct => SigstoreAttachmentsAsync(source, topDigest, ct), cancellationToken);
        if (isIndex)
        {
            ImageIndex index = JsonSerializer.Deserialize(data, OciJsonContext.Default.ImageIndex) ?? new ImageIndex();
            string arch = ManifestKind.HostArchitecture();
            Descriptor chosen = ManifestKind.SelectPlatform(index, arch) ?? throw new PodUnitsException(
                $"image {reference.ToFamiliarString()}",
                // The registry's words, escaped: a \u001b in its JSON is an escape sequence here.
                $"has no linux/{arch} variant this host runs (it has: {Core.Text.OneLine.Of(string.Join(", ", index.Manifests.Select(m => $"{m.Platform?.Os}/{m.Platform?.Architecture}{(m.Platform?.Variant is { Length: > 0 } v ? "/" + v : "")}")))})");
            if (!Digests.IsValid(chosen.Digest)) throw new PodUnitsException($"image {reference.ToFamiliarString()}", "its index names a manifest by an unsupported digest");
            (data, digest, isIndex) = await GetManifestAsync(source, chosen.Digest, chosen.Digest,
                chosen.Size > 0 ? Math.Min(LimitedBody.MaxManifestBytes, chosen.Size) : LimitedBody.MaxManifestBytes, cancellationToken);
            // Nested indexes are not followed: the platform's entry must be a manifest.
            if (isIndex)
                throw new PodUnitsException($"manifest {chosen.Digest} of {reference.ToFamiliarString()}", "is an index, not the image manifest its index names; refused");
        }
        ImageManifest manifest = JsonSerializer.Deserialize(data, OciJsonContext.Default.ImageManifest)
            ?? throw new PodUnitsException($"manifest of {reference.ToFamiliarString()}", "is empty");
        var wanted = new List<Descriptor> { manifest.Config };
        wanted.AddRange(manifest.Layers);
        if (wanted.Any(d => !Digests.IsValid(d.Digest)))
            throw new PodUnitsException($"manifest of {reference.ToFamiliarString()}", "names a blob by something other than a sha256 digest");
        if (wanted.Any(d => d.Size < 0))
            throw new PodUnitsException($"manifest of {reference.ToFamiliarString()}", "declares a negative blob size");
        // One blob listed twice with two sizes: only the first was fetched and checked, and
        // the other went into the store and into exports (images review of 2026-12-07, finding 5).
        if (wanted.GroupBy(d => d.Digest, StringComparer.Ordinal).FirstOrDefault(g => g.Select(d => d.Size).Distinct().Count() > 1) is { } twice)
            throw new PodUnitsException($"manifest of {reference.ToFamiliarString()}",
                $"gives blob {twice.Key} different sizes ({string.Join(" and ", twice.Select(d => d.Size).Distinct())} bytes); refused");
        if (manifest.Config.Size > LimitedBody.MaxConfigBytes)
            throw LimitedBody.TooLarge($"config {manifest.Config.Digest} of {reference.ToFamiliarString()}", LimitedBody.MaxConfigBytes);

        using var gate = new SemaphoreSlim(ParallelBlobs);
        // The first blob that fails for good ends the others: the pull fails either way, and
        // gigabytes more would only hold the store's lock (and the error) back.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAll(wanted.DistinctBy(d => d.Digest).Select(async d =>
        {
            await gate.WaitAsync(failed.Token);
            try
            {
                await FetchBlobAsync(source, d, progress, failed.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await failed.CancelAsync(); // the others end as cancelled: this failure is the one said
                throw;
            }
            finally
            {
                gate.Release();
            }
        }));
        // The manifest last: a manifest a pull stored means its blobs are all there (a gc
        // that died midway can break that later: ImageStore.IsWhole looks).
        blobs.Add(data, digest);
        // And the index it was chosen from: a name pinning the index's digest (REPO@sha256:INDEX,
        // how multi-platform images are pinned) can then be exported with the index, which is
        // what lets `image import` check that name against the manifest (images review of
        // 2026-12-07, finding 3). gc keeps it while a reference names it by that digest.
        if (topDigest != digest) blobs.Add(top, topDigest);
        return digest;
    }

    /// <summary>The digest of the platform manifest the registry's tag names now, fetching
    /// no blob: one HEAD request when the tag still names <paramref name="known"/> (or a
    /// single-platform manifest), one more GET to narrow an index to this platform.</summary>
    public async Task<string> ResolveRemoteAsync(ImageReference reference, string? known, CancellationToken cancellationToken)
    {
        (ImageReference source, string? top) = await FirstSourceAsync(reference, from => HeadManifestAsync(from, cancellationToken), cancellationToken);
        if (top is not null && top == known) return top;
        (byte[] data, string digest, bool isIndex) = await GetManifestAsync(source, top ?? source.ManifestReference, top,
            LimitedBody.MaxManifestBytes, cancellationToken);
        if (!isIndex) return digest;
        ImageIndex index = JsonSerializer.Deserialize(data, OciJsonContext.Default.ImageIndex) ?? new ImageIndex();
        Descriptor chosen = ManifestKind.SelectPlatform(index, ManifestKind.HostArchitecture())
            ?? throw new PodUnitsException($"image {reference.ToFamiliarString()}", $"has no linux/{ManifestKind.HostArchitecture()} variant any more");
        // Checked as a pull checks it: auto-update prints and logs what this returns (images
        // review of 2026-12-06, finding 5: escape sequences reached the terminal).
        if (!Digests.IsValid(chosen.Digest))
            throw new PodUnitsException($"image {reference.ToFamiliarString()}", "its index names this platform's manifest by an unsupported digest");
        return chosen.Digest;
    }

    /// <summary>The source a stored manifest's signatures are looked for in (`image
    /// inspect`): the first that has the manifest, as a pull by its digest would choose.</summary>
    public async Task<ImageReference> SourceOfAsync(ImageReference reference, string manifestDigest, CancellationToken cancellationToken)
    {
        ImageReference byDigest = reference with { Digest = manifestDigest };
        List<ImageReference> sources = client.Sources(byDigest);
        foreach (ImageReference from in sources.Take(sources.Count - 1))
        {
            try
            {
                await HeadManifestAsync(from, cancellationToken);
                return from;
            }
            catch (Exception e) when (e is PodUnitsException or HttpRequestException || RegistryUnreachableException.Is(e, cancellationToken))
            {
                // Not this mirror (an answer of no, or none: its connect timeout too); the
                // next, and the image's own registry last.
            }
        }
        return sources[^1];
    }

    /// <summary>The manifest's digest as the registry reports it (one HEAD), null when it
    /// does not say.</summary>
    private async Task<string?> HeadManifestAsync(ImageReference from, CancellationToken cancellationToken)
    {
        using HttpResponseMessage head = await client.SendAsync(from, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Head, client.Url(from, "manifests/" + from.ManifestReference));
            request.Headers.Accept.ParseAdd(MediaTypes.Accept);
            return request;
        }, cancellationToken);
        if (!head.IsSuccessStatusCode) throw await RegistryClient.ErrorAsync(from, head, "manifest", cancellationToken);
        return head.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digests.IsValid(values.FirstOrDefault()) ? values.First() : null;
    }

    /// <summary>
    /// <paramref name="attempt"/> on each source of <paramref name="reference"/> in turn (its
    /// mirrors, then its own registry) until one succeeds. Any failure moves on to the next,
    /// as containers/image does: a mirror that is down, lacks the image or answers with the
    /// wrong content, or does not answer within the connect timeout (a firewall that drops).
    /// When every source failed, the error is the image's own registry's, with what each
    /// mirror said.
    /// </summary>
    private async Task<(ImageReference Source, T Result)> FirstSourceAsync<T>(ImageReference reference, Func<ImageReference, Task<T>> attempt,
        CancellationToken cancellationToken)
    {
        List<ImageReference> sources = client.Sources(reference);
        var mirrorFailures = new List<string>();
        for (int i = 0; i < sources.Count - 1; i++)
        {
            try
            {
                return (sources[i], await attempt(sources[i]));
            }
            catch (Exception e) when (e is PodUnitsException or HttpRequestException
                || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                string why = e switch
                {
                    PodUnitsException p => p.Why,
                    OperationCanceledException => "no answer within the connect timeout",
                    _ => e.Message,
                };
                mirrorFailures.Add($"{sources[i].Registry}/{sources[i].Repository}: {why}");
            }
        }
        try
        {
            return (sources[^1], await attempt(sources[^1]));
        }
        catch (PodUnitsException e) when (mirrorFailures.Count > 0)
        {
            throw new PodUnitsException(e.What, $"{e.Why} (mirrors tried first: {string.Join("; ", mirrorFailures)})", e.ExitCode, e);
        }
        catch (Exception e) when (mirrorFailures.Count > 0 && RegistryUnreachableException.Is(e, cancellationToken))
        {
            throw RegistryUnreachableException.From(reference, e, string.Join("; ", mirrorFailures));
        }
        catch (HttpRequestException e) when (mirrorFailures.Count > 0)
        {
            throw new HttpRequestException($"{e.Message} (mirrors tried first: {string.Join("; ", mirrorFailures)})", e);
        }
    }

    /// <summary>Sigstore signatures attached as cosign does: the manifest tagged
    /// sha256-HEX.sig in the same repository, one layer per signature (the payload blob,
    /// the signature in its dev.cosignproject.cosign/signature annotation).</summary>
    public async Task<IReadOnlyList<SigstoreSignature>> SigstoreAttachmentsAsync(ImageReference reference, string manifestDigest,
        CancellationToken cancellationToken)
    {
        string tag = manifestDigest.Replace(':', '-') + ".sig";
        using HttpResponseMessage response = await client.SendAsync(reference, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, client.Url(reference, "manifests/" + tag));
            request.Headers.Accept.ParseAdd(MediaTypes.Accept);
            return request;
        }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return [];
        if (!response.IsSuccessStatusCode) throw await RegistryClient.ErrorAsync(reference, response, "sigstore signatures " + tag, cancellationToken);
        byte[] data = await LimitedBody.ReadAsync(response, LimitedBody.MaxManifestBytes, $"sigstore signatures of {reference.ToFamiliarString()}", cancellationToken);
        ImageManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(data, OciJsonContext.Default.ImageManifest) ?? new ImageManifest();
        }
        catch (JsonException e)
        {
            throw new PodUnitsException($"sigstore signatures {tag} of {reference.ToFamiliarString()}", $"are not JSON of an image manifest: {JsonErrors.Describe(e)}");
        }
        var result = new List<SigstoreSignature>();
        foreach (Descriptor layer in (manifest.Layers ?? []).Take(16))
        {
            if (layer is null || layer.Annotations?.GetValueOrDefault(SigstoreSignatureAnnotation) is not { } signature || !Digests.IsValid(layer.Digest)) continue;
            using HttpResponseMessage blob = await client.SendAsync(reference,
                () => new HttpRequestMessage(HttpMethod.Get, client.Url(reference, "blobs/" + layer.Digest)), cancellationToken);
            if (!blob.IsSuccessStatusCode) throw await RegistryClient.ErrorAsync(reference, blob, $"sigstore payload {layer.Digest}", cancellationToken);
            byte[] payload = await LimitedBody.ReadAsync(blob, LimitedBody.MaxManifestBytes, $"sigstore payload {layer.Digest}", cancellationToken);
            if (Digests.Of(payload) != layer.Digest) throw new PodUnitsException($"sigstore payload {layer.Digest}", $"content has digest {Digests.Of(payload)}; refused");
            result.Add(new SigstoreSignature(payload, signature));
        }
        return result;
    }

    private const string SigstoreSignatureAnnotation = "dev.cosignproject.cosign/signature";

    /// <summary>The manifest or index, checked against its digest; whether it is an index is
    /// decided from its content (<see cref="ManifestKind.IsIndex"/>), so a source that sends
    /// an ambiguous document, or labels it as the other kind, fails like one that sends the
    /// wrong bytes (and a mirror's turn passes to the next source).</summary>
    private async Task<(byte[] Data, string Digest, bool IsIndex)> GetManifestAsync(ImageReference reference, string tagOrDigest,
        string? expectedDigest, long limit, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await client.SendAsync(reference, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, client.Url(reference, "manifests/" + tagOrDigest));
            request.Headers.Accept.ParseAdd(MediaTypes.Accept);
            return request;
        }, cancellationToken);
        if (!response.IsSuccessStatusCode) throw await RegistryClient.ErrorAsync(reference, response, "manifest", cancellationToken);
        byte[] data = await LimitedBody.ReadAsync(response, limit, $"manifest of {reference.ToFamiliarString()}", cancellationToken);
        string digest = Digests.Of(data);
        string? claimed = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
        string? expected = expectedDigest ?? (Digests.IsValid(claimed) ? claimed : null);
        if (expected is not null && expected != digest)
            throw new PodUnitsException($"manifest of {reference.ToFamiliarString()}", $"content has digest {digest}, expected {expected}; refused");
        bool isIndex = ManifestKind.IsIndex(data, response.Content.Headers.ContentType?.MediaType, $"manifest of {reference.ToFamiliarString()}");
        CheckShape(data, isIndex, $"manifest of {reference.ToFamiliarString()} from {reference.Registry}");
        return (data, digest, isIndex);
    }

    /// <summary>
    /// Refuses an answer that is not the index or manifest JSON it claims to be, here, while a
    /// failure still moves on to the next source: a mirror path serving a web page with 200
    /// (a Nexus UI) otherwise won the pull and ended it with a raw JSON exception, the origin
    /// never tried. Also what the later steps take for granted: a manifest's config and layers.
    /// </summary>
    private static void CheckShape(byte[] data, bool isIndex, string what)
    {
        try
        {
            // By the properties themselves: the deserialized types default missing ones to
            // empty, so `{}` would pass as a manifest with no layers.
            using JsonDocument document = JsonDocument.Parse(data);
            JsonElement root = document.RootElement;
            bool whole = root.ValueKind == JsonValueKind.Object && (isIndex
                ? root.TryGetProperty("manifests", out JsonElement manifests) && manifests.ValueKind == JsonValueKind.Array
                : root.TryGetProperty("config", out JsonElement config) && config.ValueKind == JsonValueKind.Object
                    && root.TryGetProperty("layers", out JsonElement layers) && layers.ValueKind == JsonValueKind.Array);
            if (!whole)
                throw new PodUnitsException(what, isIndex ? "is not an image index: it lists no manifests" : "is not an image manifest: it has no config or no layers");
            // And as the later steps read it: a field of the wrong type ("size": "1469") or a
            // null entry must fail here, where the next source is tried, not as an internal
            // error once this source has won.
            bool nullEntry = isIndex
                ? (JsonSerializer.Deserialize(data, OciJsonContext.Default.ImageIndex)?.Manifests ?? []).Any(d => d is null)
                : JsonSerializer.Deserialize(data, OciJsonContext.Default.ImageManifest) is not { } manifest
                    || manifest.Config is null || manifest.Layers is null || manifest.Layers.Any(d => d is null);
            if (nullEntry)
                throw new PodUnitsException(what, $"is not an image {(isIndex ? "index" : "manifest")}: it has an entry that is null");
        }
        catch (JsonException e)
        {
            throw new PodUnitsException(what, $"is not JSON of an image {(isIndex ? "index" : "manifest")}: {JsonErrors.Describe(e)}");
        }
    }

    private async Task FetchBlobAsync(ImageReference reference, Descriptor blob, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        if (blobs.Has(blob.Digest))
        {
            // Stored already (by another image's pull, or an import): its size is checked as a
            // download's is, or the manifest's wrong size was taken as it was (images review
            // of 2026-12-07, finding 5).
            long stored = blobs.SizeOf(blob.Digest);
            if (stored != blob.Size)
                throw new PodUnitsException($"blob {blob.Digest} of {reference.ToFamiliarString()}",
                    $"the manifest declares {blob.Size} bytes, but the blob has {stored}; refused");
            progress?.Report(new PullProgress(blob.Digest, PullPhase.Exists, blob.Size, blob.Size));
            return;
        }
        string temp = blobs.NewTempPath(blob.Digest);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long have = 0;
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, useAsync: false))
            {
                for (int attempt = 1; ; attempt++)
                {
                    try
                    {
                        have = await DownloadAsync(reference, blob, file, hash, have, progress, cancellationToken);
                        break;
                    }
                    catch (IOException e) when (BlobStore.IsFull(e))
                    {
                        // The store's file system, not the transfer: trying again fills it again.
                        throw BlobStore.CannotStore($"blob {blob.Digest} of {reference.ToFamiliarString()}", e, Path.GetDirectoryName(temp)!);
                    }
                    catch (Exception e) when (attempt < MaxAttempts && !cancellationToken.IsCancellationRequested
                        && e is HttpRequestException or IOException)
                    {
                        have = Rehash(file, hash); // what the file really holds: resume from there
                        if (have == blob.Size)
                        {
                            // Every byte came before the connection broke (on the read that looks
                            // for its end): nothing to ask for, and a range from the end is a 416.
                            break;
                        }
                        progress?.Report(new PullProgress(blob.Digest, PullPhase.Retrying, have, blob.Size));
                        await Task.Delay(TimeSpan.FromMilliseconds(250 << (attempt - 1)), cancellationToken);
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException)
                    {
                        throw new PodUnitsException($"blob {blob.Digest} of {reference.ToFamiliarString()}",
                            $"transfer failed {MaxAttempts} times: {e.Message}");
                    }
                }
                long received = have;
                Progress.Heartbeat.During(() => file.Flush(flushToDisk: true), progress is null ? null
                    : () => progress.Report(new PullProgress(blob.Digest, PullPhase.Downloading, received, blob.Size)));
            }
            string actual = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
            blobs.Commit(temp, blob.Digest, actual);
        }
        finally
        {
            File.Delete(temp); // gone already after a successful commit
        }
        progress?.Report(new PullProgress(blob.Digest, PullPhase.Done, have, blob.Size));
    }

    /// <summary>
    /// Hashes again, from the start, the bytes the temp file holds, and returns how many. A
    /// transfer that failed while writing (ENOSPC, EIO) may have left more or fewer bytes
    /// than were read, so the resumed hash is built from the disk rather than carried on:
    /// otherwise a local write error would end as "content does not match its digest",
    /// blaming the registry.
    /// </summary>
    private static long Rehash(FileStream file, IncrementalHash hash)
    {
        hash.GetHashAndReset();
        file.Position = 0;
        byte[] buffer = new byte[1 << 17];
        int n;
        while ((n = file.Read(buffer, 0, buffer.Length)) > 0) hash.AppendData(buffer, 0, n);
        return file.Position; // the end: the next bytes are written there
    }

    /// <summary>One GET of the blob, from byte <paramref name="have"/> on; returns the bytes held after it.</summary>
    private async Task<long> DownloadAsync(ImageReference reference, Descriptor blob, FileStream file, IncrementalHash hash, long have,
        IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        long offset = have;
        using HttpResponseMessage response = await client.SendAsync(reference, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, client.Url(reference, "blobs/" + blob.Digest));
            if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
            return request;
        }, cancellationToken);
        bool fromZero = response.StatusCode == HttpStatusCode.OK
            || (response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == 0);
        if (fromZero && have > 0)
        {
            // The server ignored the Range (or sent the range from 0): start over.
            have = 0;
            file.SetLength(0);
            file.Position = 0;
            hash.GetHashAndReset();
        }
        else if (response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From != have)
        {
            // Bytes from elsewhere than asked (or not saying from where) would end as a digest
            // mismatch: drop what is held, and the next attempt asks for the whole blob.
            file.SetLength(0);
            file.Position = 0;
            throw new IOException($"registry answered the range from byte {have} with {response.Content.Headers.ContentRange?.ToString() ?? "no Content-Range"}");
        }
        else if (!response.IsSuccessStatusCode)
        {
            PodUnitsException error = await RegistryClient.ErrorAsync(reference, response, $"blob {blob.Digest}", cancellationToken);
            if ((int)response.StatusCode >= 500) throw new HttpRequestException(error.Message); // worth a retry
            throw error;
        }
        if (have + response.Content.Headers.ContentLength > blob.Size) throw TooLong(blob);
        progress?.Report(new PullProgress(blob.Digest, PullPhase.Downloading, have, blob.Size));
        await using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken);
        byte[] buffer = new byte[1 << 17];
        long lastReport = have;
        int n;
        // Never more than one byte past the declared size is read, chunked or not.
        // A registry that stops sending fails the pull at once (Inactivity), not retried: five
        // more silent minutes would not help, and a pod start is waiting.
        while ((n = await Inactivity.ReadAsync(response, body, buffer.AsMemory(0, (int)Math.Min(buffer.Length, blob.Size - have + 1)), cancellationToken)) > 0)
        {
            have += n;
            if (have > blob.Size) throw TooLong(blob);
            file.Write(buffer, 0, n);
            hash.AppendData(buffer, 0, n); // only what was written
            if (have - lastReport >= 1 << 18)
            {
                lastReport = have;
                progress?.Report(new PullProgress(blob.Digest, PullPhase.Downloading, have, blob.Size));
            }
        }
        if (have < blob.Size) throw new IOException($"connection ended after {have} of {blob.Size} bytes");
        return have;
    }

    /// <summary>ENOSPC and EDQUOT, as .NET's IOException carries them (HResult is the errno on Unix).</summary>

    private static PodUnitsException TooLong(Descriptor blob) =>
        new($"blob {blob.Digest}", $"registry sends more than the {blob.Size} bytes the manifest declares; refused");
}
