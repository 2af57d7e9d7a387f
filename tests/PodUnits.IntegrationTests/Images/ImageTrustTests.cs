using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Images;

/// <summary>
/// The trust policy end to end, with a real registry, GnuPG keys made here and skopeo
/// --sign-by (Debian's tools, independent of PodUnits): /etc/podunits/policy.json requires
/// a signature for this registry's trust/ namespace, /etc/podunits/registries.d says where
/// the signatures are. Runs alone (host-wide files), after the parallel collections.
/// </summary>
[Collection(HostWideSettings.Name)]
public sealed class ImageTrustTests : IClassFixture<RegistryFixture>, IDisposable
{
    private const string PolicyPath = "/etc/podunits/policy.json";
    private const string LookasideConfig = "/etc/podunits/registries.d/trust-tests.yaml";
    private readonly RegistryFixture _registry;
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-trust-").FullName;
    private readonly GpgTestKeys _keys;
    private readonly InsecureRegistryConfig _registries;
    private readonly string _trusted, _stranger;
    private readonly ECDsa _cosignKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public ImageTrustTests(RegistryFixture registry)
    {
        _registry = registry;
        _keys = new GpgTestKeys(_dir);
        _trusted = _keys.Create("publisher");
        _stranger = _keys.Create("stranger");
        string publicKey = _keys.ExportArmored(_trusted, _dir + "/publisher.asc");
        _registries = new InsecureRegistryConfig(registry.Host);
        Directory.CreateDirectory(Path.GetDirectoryName(LookasideConfig)!);
        File.WriteAllText(LookasideConfig, $"docker:\n  {registry.Host}/trust:\n    lookaside: file://{_keys.Lookaside}\n" +
            $"  {registry.Host}/cosigned:\n    use-sigstore-attachments: true\n" +
            $"  {registry.Host}/copy:\n    lookaside: file://{_keys.Lookaside}\n");
        File.WriteAllText(_dir + "/cosign.pub", _cosignKey.ExportSubjectPublicKeyInfoPem());
        File.WriteAllText(PolicyPath, $$"""
            {
              "default": [{"type": "insecureAcceptAnything"}],
              "transports": {
                "docker": {
                  "{{registry.Host}}/trust": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "{{publicKey}}"}],
                  "{{registry.Host}}/cosigned": [{"type": "sigstoreSigned", "keyPath": "{{_dir}}/cosign.pub"}]
                },
                "oci": {
                  "{{_dir}}/untrusted": [{"type": "reject"}]
                }
              }
            }
            """);
    }

    public void Dispose()
    {
        File.Delete(PolicyPath);
        File.Delete(LookasideConfig);
        Directory.Delete(Path.GetDirectoryName(LookasideConfig)!);
        _registries.Dispose();
        _keys.Dispose();
        _cosignKey.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static (int Code, string Output) Podunits(params string[] args) => PodHarness.Run("/usr/bin/podunits", args);

    private string Entry => $"refused by {PolicyPath}: transports.docker[\"{_registry.Host}/trust\"][0] (signedBy)";

    [Fact]
    public async Task OnlyImagesSignedByThePolicysKeyForTheirOwnNameAreFetched()
    {
        string layout = await _registry.PushBusyboxAsync("plain/busybox:1", marker: "signed content\n");
        string host = _registry.Host;
        string signedDigest = _keys.Push(layout, $"{host}/trust/signed:1", _trusted);
        _keys.Push(layout, $"{host}/trust/unsigned:1", null);
        _keys.Push(layout, $"{host}/trust/foreign:1", _stranger);
        // The same manifest under another name, with the signature copied beside it: the
        // signature names trust/signed:1, so it must not vouch for trust/moved:1.
        Assert.Equal(signedDigest, _keys.Push(layout, $"{host}/trust/moved:1", null));
        string hex = signedDigest["sha256:".Length..];
        CopyDirectory($"{_keys.Lookaside}/trust/signed@sha256={hex}", $"{_keys.Lookaside}/trust/moved@sha256={hex}");
        try
        {
            var signed = Podunits("image", "fetch", $"{host}/trust/signed:1");
            Assert.True(signed.Code == 0, signed.Output);
            JsonNode found = Assert.Single(Signatures($"{host}/trust/signed:1"))!;
            Assert.Equal("simple signing", (string?)found["kind"]);
            Assert.Equal($"{host}/trust/signed:1", (string?)found["identity"]);
            Assert.True((bool)found["verified"]!, found.ToJsonString());
            Assert.Equal($"file://{_keys.Lookaside}/trust/signed@sha256={hex}/signature-1", (string?)found["location"]);
            Assert.StartsWith($"accepted by {PolicyPath}: transports.docker", (string?)found["detail"], StringComparison.Ordinal);

            AssertFetchRefused($"{host}/trust/unsigned:1",
                $"podunits: image {host}/trust/unsigned:1: {Entry}: no signature found at file://{_keys.Lookaside}/trust/unsigned@sha256={hex}/signature-1");

            AssertFetchRefused($"{host}/trust/foreign:1", $"{Entry}: signature-1: signed by a key the policy does not list");

            AssertFetchRefused($"{host}/trust/moved:1", $"it signs the identity {host}/trust/signed:1, which the policy's signedIdentity does not accept");

            // Pinned by digest: the signature's repository is what counts (matchRepoDigestOrExact).
            var pinned = Podunits("image", "fetch", $"{host}/trust/signed@{signedDigest}");
            Assert.True(pinned.Code == 0, pinned.Output);

            // Refused images left nothing in the store; outside the scope, the default applies.
            string list = Podunits("image", "list").Output;
            Assert.Contains($"{host}/trust/signed:1", list, StringComparison.Ordinal);
            Assert.DoesNotContain("trust/unsigned", list, StringComparison.Ordinal);
            Assert.DoesNotContain("trust/foreign", list, StringComparison.Ordinal);
            Assert.DoesNotContain("trust/moved", list, StringComparison.Ordinal);
            Assert.Equal(0, Podunits("image", "fetch", $"{host}/plain/busybox:1").Code);
        }
        finally
        {
            foreach (string name in (string[])["trust/signed:1", $"trust/signed@{signedDigest}", "plain/busybox:1"]) Podunits("image", "rm", $"{host}/{name}");
        }
    }

    /// <summary>A mirror (registries.yaml) of the signed namespace, at {host}/copy/trust:
    /// the policy judges the image by its own name, whatever its source, and the signatures
    /// are looked for where the source's registries.d section says, as containers/image does.</summary>
    [Fact]
    public async Task AMirroredImageIsJudgedByItsOwnNameWithTheSignaturesOfItsSource()
    {
        string layout = await _registry.PushBusyboxAsync("plain/mirror-source:1", marker: "mirrored content\n");
        string host = _registry.Host;
        // At the origin and signed there; at the mirror a copy whose signature is copied beside it.
        string digest = _keys.Push(layout, $"{host}/trust/mirrored:1", _trusted);
        Assert.Equal(digest, _keys.Push(layout, $"{host}/copy/trust/mirrored:1", null));
        string hex = digest["sha256:".Length..];
        CopyDirectory($"{_keys.Lookaside}/trust/mirrored@sha256={hex}", $"{_keys.Lookaside}/copy/trust/mirrored@sha256={hex}");
        // Only at the mirror, unsigned: its name there is outside every signed scope.
        Assert.Equal(digest, _keys.Push(layout, $"{host}/copy/trust/mirror-only:1", null));
        File.WriteAllText(InsecureRegistryConfig.Path, $"insecure: [\"{host}\"]\nmirrors:\n  {host}/trust: [\"{host}/copy/trust\"]\n");
        try
        {
            var signed = Podunits("image", "fetch", $"{host}/trust/mirrored:1");
            Assert.True(signed.Code == 0, signed.Output);
            JsonNode found = Assert.Single(Signatures($"{host}/trust/mirrored:1"))!;
            Assert.Equal($"file://{_keys.Lookaside}/copy/trust/mirrored@sha256={hex}/signature-1", (string?)found["location"]);
            Assert.True((bool)found["verified"]!, found.ToJsonString());

            AssertFetchRefused($"{host}/trust/mirror-only:1",
                $"podunits: image {host}/trust/mirror-only:1: {Entry}: no signature found at file://{_keys.Lookaside}/copy/trust/mirror-only@sha256={hex}/signature-1");
            Assert.DoesNotContain("mirror-only", Podunits("image", "list").Output, StringComparison.Ordinal);
        }
        finally
        {
            File.WriteAllText(InsecureRegistryConfig.Path, $"insecure: [\"{host}\"]\n");
            Podunits("image", "rm", $"{host}/trust/mirrored:1");
        }
    }

    [Fact]
    public async Task SigstoreSignaturesAttachedInTheRegistryAreFoundAndChecked()
    {
        string layout = await _registry.PushBusyboxAsync("plain/cosign-source:1");
        string host = _registry.Host;
        string digest = _keys.Push(layout, $"{host}/cosigned/app:1", null);
        Assert.Equal(digest, _keys.Push(layout, $"{host}/cosigned/copied:1", null));
        Assert.Equal(digest, _keys.Push(layout, $"{host}/cosigned/stranger:1", null));
        Assert.Equal(digest, _keys.Push(layout, $"{host}/cosigned/unsigned:1", null));
        await SigstoreAttachment.AttachAsync(host, "cosigned/app", digest, $"{host}/cosigned/app:1", _cosignKey);
        // The same signature attached to another repository: its identity is app:1's.
        await SigstoreAttachment.AttachAsync(host, "cosigned/copied", digest, $"{host}/cosigned/app:1", _cosignKey);
        using (var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            await SigstoreAttachment.AttachAsync(host, "cosigned/stranger", digest, $"{host}/cosigned/stranger:1", stranger);
        string entry = $"refused by {PolicyPath}: transports.docker[\"{host}/cosigned\"][0] (sigstoreSigned)";
        try
        {
            var signed = Podunits("image", "fetch", $"{host}/cosigned/app:1");
            Assert.True(signed.Code == 0, signed.Output);
            JsonNode found = Assert.Single(Signatures($"{host}/cosigned/app:1"))!;
            Assert.Equal("sigstore", (string?)found["kind"]);
            Assert.Equal($"{host}/cosigned/app:1", (string?)found["identity"]);
            Assert.True((bool)found["verified"]!, found.ToJsonString());
            AssertFetchRefused($"{host}/cosigned/copied:1", $"{entry}: it signs the identity {host}/cosigned/app:1");
            AssertFetchRefused($"{host}/cosigned/stranger:1", $"{entry}: its signature was not made by the policy's key");
            AssertFetchRefused($"{host}/cosigned/unsigned:1", $"{entry}: the registry holds no sigstore signature for it");
        }
        finally
        {
            Podunits("image", "rm", $"{host}/cosigned/app:1");
        }
    }

    private static string PodYaml(string name, string image) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
        spec:
          restartPolicy: Never
          containers:
            - name: app
              image: {{image}}
              command: ["sh", "-c", "echo ran; sleep 1000"]
        """;

    [Fact]
    public async Task APodWhoseImageIsSignedStartsAndOneWhoseImageIsNotFailsNamingThePolicy()
    {
        string layout = await _registry.PushBusyboxAsync("plain/pod-image:1");
        string signedImage = $"{_registry.Host}/trust/pod-signed:1";
        _keys.Push(layout, signedImage, _trusted);
        using (var signedPod = new PodHarness("trust-pod-signed", PodYaml("trust-pod-signed", signedImage)))
        {
            // The executor pulls it under pod@.service and checks the signature with gpgv there.
            signedPod.Start();
            Assert.True(PodHarness.WaitFor(() => signedPod.Journal("-u", signedPod.Unit, "CONTAINER_NAME=app").Contains("ran")),
                string.Join('\n', signedPod.Journal("-u", signedPod.Unit)));
        }
        Podunits("image", "rm", signedImage);

        string image = $"{_registry.Host}/trust/pod-unsigned:1";
        _keys.Push(layout, image, null);
        using var pod = new PodHarness("trust-pod", PodYaml("trust-pod", image));
        var start = pod.Systemctl("start", pod.Unit);
        Assert.NotEqual(0, start.Code);
        Assert.True(PodHarness.WaitFor(() => pod.Journal("-u", pod.Unit).Any(l => l.Contains(Entry, StringComparison.Ordinal))),
            string.Join('\n', pod.Journal("-u", pod.Unit)));
        Assert.DoesNotContain("ran", pod.Journal("-u", pod.Unit, "CONTAINER_NAME=app"));
        Assert.Contains("is not in the image store", Podunits("image", "inspect", image).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnImportFromAPathThePolicyRejectsIsRefusedWithoutStoringIt()
    {
        string layout = await _registry.PushBusyboxAsync("plain/import:1");
        string untrusted = _dir + "/untrusted/layout";
        CopyDirectory(layout, untrusted);
        var refused = Podunits("image", "import", untrusted, "--name", "localhost/trust/imported:1");
        Assert.Equal(1, refused.Code);
        Assert.Contains($"podunits: import {untrusted}: refused by {PolicyPath}: transports.oci[\"{_dir}/untrusted\"][0] (reject)", refused.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("trust/imported", Podunits("image", "list").Output, StringComparison.Ordinal);
    }

    /// <summary>`image fetch` refused with exit 1, its one-line message containing <paramref name="expected"/>.</summary>
    private static void AssertFetchRefused(string image, string expected)
    {
        var fetch = Podunits("image", "fetch", image);
        Assert.True(fetch.Code == 1, fetch.Output);
        Assert.Contains(expected, fetch.Output, StringComparison.Ordinal);
        Assert.Single(fetch.Output.Trim().Split('\n'));
    }

    /// <summary>What `image inspect -o json` found and checked.</summary>
    private static JsonArray Signatures(string image)
    {
        var inspect = Podunits("image", "inspect", "-o", "json", image);
        Assert.True(inspect.Code == 0, inspect.Output);
        return (JsonArray)JsonNode.Parse(inspect.Output)!["signatures"]!;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(to + dir[from.Length..]);
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, to + file[from.Length..]);
    }
}
