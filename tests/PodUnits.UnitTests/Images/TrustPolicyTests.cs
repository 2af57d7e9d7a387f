using System.Security.Cryptography;
using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Core.Naming;
using PodUnits.Images.Trust;

namespace PodUnits.UnitTests.Images;

/// <summary>containers-policy.json and registries.d as PodUnits reads them: scope
/// precedence, strict parsing, signedIdentity, the signed payload, and sigstore signatures
/// checked with a key pair made here. GPG signatures are checked end to end with gpgv in
/// the sandbox (ImageTrustTests).</summary>
public sealed class TrustPolicyTests : IDisposable
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string Other = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-trust-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TrustPolicy Parse(string json) => TrustPolicyParser.Parse(Encoding.UTF8.GetBytes(json), "policy.json");

    private static string TypeFor(TrustPolicy policy, string image) =>
        policy.ForImage(ImageReference.Parse(image))[0].Entry;

    [Fact]
    public void TheMostSpecificDockerScopeWinsThenTheTransportDefaultThenTheDefault()
    {
        TrustPolicy policy = Parse("""
            {
              "default": [{"type": "reject"}],
              "transports": {
                "docker": {
                  "": [{"type": "insecureAcceptAnything"}],
                  "registry.example.com": [{"type": "reject"}],
                  "registry.example.com/team": [{"type": "insecureAcceptAnything"}],
                  "registry.example.com/team/app:1": [{"type": "reject"}],
                  "*.mirror.example": [{"type": "reject"}]
                }
              }
            }
            """);
        Assert.Contains("[\"registry.example.com/team/app:1\"]", TypeFor(policy, "registry.example.com/team/app:1"), StringComparison.Ordinal);
        Assert.Contains("[\"registry.example.com/team\"]", TypeFor(policy, "registry.example.com/team/app:2"), StringComparison.Ordinal);
        Assert.Contains("[\"registry.example.com/team\"]", TypeFor(policy, "registry.example.com/team/sub/x"), StringComparison.Ordinal);
        Assert.Contains("[\"registry.example.com\"]", TypeFor(policy, "registry.example.com/other/app"), StringComparison.Ordinal);
        Assert.Contains("[\"*.mirror.example\"]", TypeFor(policy, "eu.mirror.example/app"), StringComparison.Ordinal);
        // A port does not take the host out of its wildcard (it fell to "" and was accepted).
        Assert.Contains("[\"*.mirror.example\"]", TypeFor(policy, "eu.mirror.example:5000/app"), StringComparison.Ordinal);
        // Host names are case-insensitive: the same registry, the same scope.
        Assert.Contains("[\"registry.example.com\"]", TypeFor(policy, "Registry.Example.COM/other/app"), StringComparison.Ordinal);
        Assert.Contains("transports.docker[\"\"][0] (insecureAcceptAnything)", TypeFor(policy, "busybox"), StringComparison.Ordinal);
        Assert.Contains("default[0] (reject)", policy.ForPath("oci-archive", "/tmp/x.tar")[0].Entry, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportScopesArePathsAndTheirParentDirectories()
    {
        TrustPolicy policy = Parse("""
            {"default": [{"type": "insecureAcceptAnything"}],
             "transports": {"oci-archive": {"/srv/untrusted": [{"type": "reject"}]}}}
            """);
        var trust = new ImageTrust(policy, SignatureLookaside.Empty);
        var e = Assert.Throws<PodUnitsException>(() => trust.CheckImport("oci-archive", "/srv/untrusted/sub/app.tar", "/srv/untrusted/sub/app.tar"));
        Assert.Equal("import /srv/untrusted/sub/app.tar: refused by policy.json: transports.oci-archive[\"/srv/untrusted\"][0] (reject): " +
            "the policy rejects every image in this scope", e.Message);
        trust.CheckImport("oci-archive", "/srv/trusted/app.tar", "/srv/trusted/app.tar");
        trust.CheckImport("docker-archive", "/srv/untrusted/app.tar", "/srv/untrusted/app.tar");
    }

    [Fact]
    public void ASignatureRequirementRefusesImportsWhichCarryNoSignatures()
    {
        string key = Path.Combine(_dir, "key.gpg");
        var trust = new ImageTrust(Parse($$"""{"default": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "{{key}}"}]}"""), SignatureLookaside.Empty);
        var e = Assert.Throws<PodUnitsException>(() => trust.CheckImport("oci", "/srv/layout", "/srv/layout"));
        Assert.Contains("refused by policy.json: default[0] (signedBy): a oci import carries no signature", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnImportedNameMustBeOneTheDockerScopeLetsInUnsigned()
    {
        var trust = new ImageTrust(Parse("""
            {"default": [{"type": "insecureAcceptAnything"}],
             "transports": {"docker": {"registry.example/app": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "DIR/k.gpg"}],
                                       "registry.example/gone": [{"type": "reject"}]}}}
            """.Replace("DIR", _dir, StringComparison.Ordinal)), SignatureLookaside.Empty);
        var e = Assert.Throws<PodUnitsException>(() => trust.CheckImportName(ImageReference.Parse("registry.example/app:1"), "/srv/a.tar"));
        Assert.Equal("import /srv/a.tar: refused by policy.json: transports.docker[\"registry.example/app\"][0] (signedBy): registry.example/app:1 " +
            "needs a signature an import cannot carry (fetch it from the registry, or import it under another name with --name)", e.Message);
        e = Assert.Throws<PodUnitsException>(() => trust.CheckImportName(ImageReference.Parse("registry.example/gone@" + Digest), "/srv/a.tar"));
        Assert.Contains("(reject): the policy rejects every image named registry.example/gone@" + Digest, e.Message, StringComparison.Ordinal);
        trust.CheckImportName(ImageReference.Parse("registry.example/other:1"), "/srv/a.tar");
        trust.CheckImportName(ImageReference.Parse("localhost/app:1"), "/srv/a.tar");
    }

    [Theory]
    [InlineData("{", "policy.json:1:2: not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"transports": {}}""", "has no \"default\"")]
    [InlineData("""{"default": []}""", "policy.json: default: is an empty list")]
    [InlineData("""{"default": [{"type": "acceptEverything"}]}""", "default[0]: unknown requirement type \"acceptEverything\"")]
    [InlineData("""{"default": [{"type": "reject", "x": 1}]}""", "default[0].x: unknown key")]
    [InlineData("""{"default": [{"type": "reject"}], "transport": {}}""", "transport: unknown key")]
    [InlineData("""{"default": [{"type": "signedBy", "keyType": "X509Certificates", "keyPath": "/k"}]}""", "keyType \"X509Certificates\" is not supported")]
    [InlineData("""{"default": [{"type": "signedBy", "keyType": "GPGKeys"}]}""", "needs exactly one of keyPath, keyPaths and keyData")]
    [InlineData("""{"default": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "k.gpg"}]}""", "default[0].keyPath: must be an absolute path")]
    [InlineData("""{"default": [{"type": "sigstoreSigned", "fulcio": {}}]}""", "fulcio and rekor are not supported")]
    [InlineData("""{"default": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "/k", "signedIdentity": {"type": "matchAll"}}]}""", "signedIdentity: unknown type \"matchAll\"")]
    [InlineData("""{"default": [{"type": "reject"}], "transports": {"docker": {"busybox": [{"type": "reject"}]}}}""", "is not a registry host")]
    [InlineData("""{"default": [{"type": "reject"}], "transports": {"docker": {"library/busybox": [{"type": "reject"}]}}}""", "must start with the registry host")]
    [InlineData("""{"default": [{"type": "reject"}], "transports": {"oci": {"relative": [{"type": "reject"}]}}}""", "must be an absolute path")]
    [InlineData("""{"default": [{"type": "reject"}], "transports": {"Docker": {}}}""", "transports.Docker: unknown transport")]
    [InlineData("""{"default": [{"type": "reject"}], "transports": {"docker": {"Registry.example/app": [{"type": "reject"}]}}}""", "upper case; images are matched by their lower-case name (registry.example)")]
    [InlineData("""{"default": [{"type": "reject"}], "transports": {"docker": {"index.docker.io/library/nginx": [{"type": "reject"}]}}}""", "write docker.io/library/nginx")]
    [InlineData("""{"default": [{"type": "reject"}], "transports": {"docker": {"docker.io/nginx:1.27": [{"type": "reject"}]}}}""", "write docker.io/library/nginx:1.27")]
    [InlineData("""{"default": [{"type": "reject"}], "default": [{"type": "insecureAcceptAnything"}]}""", "policy.json:1:")]
    [InlineData("""{"default": [{"type": "reject"}], "transports": {"docker": {"reg.example/app": [{"type": "reject"}], "reg.example/app": [{"type": "insecureAcceptAnything"}]}}}""", "policy.json:1:")]
    [InlineData("""{"default": [{"type": "signedBy", "keyType": 1, "keyPath": "/k"}]}""", "keyType \"1\" is not supported")]
    [InlineData("""{"default": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "/k", "signedIdentity": {"type": 5}}]}""", "signedIdentity: unknown type \"5\"")]
    [InlineData("""{"default": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "/k", "signedIdentity": {"type": "exactReference", "dockerReference": "reg.example/app"}}]}""", "is not a reference with a tag or digest")]
    [InlineData("""{"default": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "/k", "signedIdentity": {"type": "remapIdentity", "prefix": "mirror.example", "signedPrefix": "Bad Prefix"}}]}""", "signedIdentity.signedPrefix: \"Bad Prefix\" is not a registry host")]
    [InlineData("""{"default": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "/k", "signedIdentity": {"type": "remapIdentity", "prefix": "mirror.example/app:1", "signedPrefix": "origin.example"}}]}""", "signedIdentity.prefix: \"mirror.example/app:1\" is not a registry host")]
    // Scopes that could never match (trust review of 2026-12-07, finding 3).
    [InlineData("""{"default": [{"type": "reject"}], "transports": {"oci-archive": {"/srv/incoming/": [{"type": "reject"}]}}}""", "(write /srv/incoming)")]
    [InlineData("""{"default": [{"type": "reject"}], "transports": {"oci": {"/srv/../incoming": [{"type": "reject"}]}}}""", "(write /incoming)")]
    [InlineData("""{"default": [{"type": "reject"}], "transports": {"docker-archive": {"/": [{"type": "reject"}]}}}""", "names the root directory")]
    [InlineData("""{"default": [{"type": "reject"}], "transports": {"docker": {"*.corp.example:5000": [{"type": "reject"}]}}}""", "(write *.corp.example)")]
    [InlineData("""{"default": [{"type": "reject"}], "transports": {"docker": {"*.Corp.Example": [{"type": "reject"}]}}}""", "(write *.corp.example)")]
    [InlineData("""{"default": [{"type": "reject"}], "transports": {"docker": {"*.*.example": [{"type": "reject"}]}}}""", "is not *. followed by a domain name")]
    public void MistakesAreOneLineErrorsNamingFileAndEntry(string json, string expected)
    {
        var e = Assert.Throws<BadInputException>(() => Parse(json));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("policy.json", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("matchRepoDigestOrExact", "reg.example/app:1", "reg.example/app:1", true)]
    [InlineData("matchRepoDigestOrExact", "reg.example/app:1", "reg.example/app:2", false)]
    [InlineData("matchRepoDigestOrExact", "reg.example/app@" + Digest, "reg.example/app:2", true)]
    [InlineData("matchRepoDigestOrExact", "reg.example/app@" + Digest, "reg.example/other:2", false)]
    [InlineData("matchRepoDigestOrExact", "reg.example/app", "reg.example/app:latest", true)]
    [InlineData("matchRepoDigestOrExact", "reg.example/app:1@" + Digest, "reg.example/app:1", true)]
    [InlineData("matchRepoDigestOrExact", "reg.example/app:1@" + Digest, "reg.example/app:2", true)]
    [InlineData("matchRepoDigestOrExact", "reg.example/app:1@" + Digest, "reg.example/other:1", false)]
    [InlineData("matchExact", "reg.example/app@" + Digest, "reg.example/app:2", false)]
    [InlineData("matchRepository", "reg.example/app:1", "reg.example/app:7", true)]
    [InlineData("matchRepository", "reg.example/app:1", "reg.example/app2:1", false)]
    public void SignedIdentitiesAcceptWhatContainersImageAccepts(string type, string image, string claimed, bool accepted)
    {
        SignedIdentity identity = type switch
        {
            "matchExact" => new MatchExact(),
            "matchRepository" => new MatchRepository(),
            _ => new MatchRepoDigestOrExact(),
        };
        Assert.Equal(accepted, identity.Accepts(ImageReference.Parse(image), ImageReference.Parse(claimed)));
    }

    [Fact]
    public void ExactAndRemappedIdentitiesFromThePolicy()
    {
        TrustPolicy policy = Parse("""
            {"default": [{"type": "reject"}], "transports": {"docker": {
              "mirror.example/a": [{"type": "signedBy", "keyType": "GPGKeys", "keyData": "AA==", "signedIdentity": {"type": "exactReference", "dockerReference": "origin.example/a:stable"}}],
              "mirror.example/b": [{"type": "signedBy", "keyType": "GPGKeys", "keyData": "AA==", "signedIdentity": {"type": "exactRepository", "dockerRepository": "origin.example/b"}}],
              "mirror.example/c": [{"type": "signedBy", "keyType": "GPGKeys", "keyData": "AA==", "signedIdentity": {"type": "remapIdentity", "prefix": "mirror.example/c", "signedPrefix": "origin.example/c"}}]
            }}}
            """);
        SignedIdentity Of(string image) => ((SignedBy)policy.ForImage(ImageReference.Parse(image))[0]).Identity;
        Assert.True(Of("mirror.example/a:1").Accepts(ImageReference.Parse("mirror.example/a:1"), ImageReference.Parse("origin.example/a:stable")));
        Assert.False(Of("mirror.example/a:1").Accepts(ImageReference.Parse("mirror.example/a:1"), ImageReference.Parse("mirror.example/a:1")));
        Assert.True(Of("mirror.example/b:1").Accepts(ImageReference.Parse("mirror.example/b:1"), ImageReference.Parse("origin.example/b:9")));
        Assert.True(Of("mirror.example/c/x:1").Accepts(ImageReference.Parse("mirror.example/c/x:1"), ImageReference.Parse("origin.example/c/x:1")));
        Assert.False(Of("mirror.example/c/x:1").Accepts(ImageReference.Parse("mirror.example/c/x:1"), ImageReference.Parse("origin.example/c/x:2")));
    }

    [Fact]
    public void ARemappedPrefixIsARepositoryPrefixNotAHostOnAnotherPort()
    {
        // Trust review of 2026-12-07, finding 4: "mirror.example" remapped
        // mirror.example:5000/app, a registry of its own, as containers/image does not.
        var remap = new RemapIdentity("mirror.example", "origin.example/ns");
        ImageReference otherPort = ImageReference.Parse("mirror.example:5000/app:1");
        Assert.False(remap.Accepts(otherPort, ImageReference.Parse("origin.example:5000/app:1")));
        Assert.True(remap.Accepts(otherPort, otherPort)); // not remapped: matchRepoDigestOrExact
        Assert.True(remap.Accepts(ImageReference.Parse("mirror.example/app:1"), ImageReference.Parse("origin.example/ns/app:1")));
        Assert.False(remap.Accepts(ImageReference.Parse("mirror.example/app:1"), ImageReference.Parse("mirror.example/app:1")));
    }

    private static byte[] Payload(string type, string digest, string reference, string extraCritical = "") => Encoding.UTF8.GetBytes(
        $$$"""{"critical":{"identity":{"docker-reference":"{{{reference}}}"},"image":{"docker-manifest-digest":"{{{digest}}}"},"type":"{{{type}}}"{{{extraCritical}}}},"optional":{"creator":"test"}}""");

    [Fact]
    public void APayloadVouchesOnlyForItsManifestTypeAndIdentity()
    {
        ImageReference image = ImageReference.Parse("reg.example/app:1");
        const string simple = SignaturePayload.SimpleSigningType;
        Assert.Null(SignaturePayload.Check(Payload(simple, Digest, "reg.example/app:1"), simple, Digest, image, SignedIdentity.Default));
        Assert.Contains("it signs manifest " + Other, SignaturePayload.Check(Payload(simple, Other, "reg.example/app:1"), simple, Digest, image, SignedIdentity.Default), StringComparison.Ordinal);
        Assert.Contains("it signs the identity reg.example/app:2", SignaturePayload.Check(Payload(simple, Digest, "reg.example/app:2"), simple, Digest, image, SignedIdentity.Default), StringComparison.Ordinal);
        Assert.Contains("type is", SignaturePayload.Check(Payload(SignaturePayload.SigstoreType, Digest, "reg.example/app:1"), simple, Digest, image, SignedIdentity.Default), StringComparison.Ordinal);
        Assert.Contains("keys this version does not know", SignaturePayload.Check(Payload(simple, Digest, "reg.example/app:1", ",\"x\":1"), simple, Digest, image, SignedIdentity.Default), StringComparison.Ordinal);
        Assert.Contains("not valid JSON", SignaturePayload.Check([0x7b], simple, Digest, image, SignedIdentity.Default), StringComparison.Ordinal);
    }

    [Fact]
    public void NamespacesOfDockerHubAndRemappedPrefixesWithAPortLoad()
    {
        // Review of this session's own changes: both were refused, and with them every pull.
        TrustPolicy policy = Parse("""
            {"default": [{"type": "reject"}],
             "transports": {"docker": {
               "docker.io/myorg": [{"type": "insecureAcceptAnything"}],
               "mirror.example:5000/c": [{"type": "signedBy", "keyType": "GPGKeys", "keyData": "AA==", "signedIdentity": {"type": "remapIdentity", "prefix": "mirror.example:5000", "signedPrefix": "localhost:5000/origin"}}]
             }}}
            """);
        Assert.Contains("[\"docker.io/myorg\"]", TypeFor(policy, "myorg/app:1"), StringComparison.Ordinal);
        SignedIdentity remap = ((SignedBy)policy.ForImage(ImageReference.Parse("mirror.example:5000/c/x:1"))[0]).Identity;
        Assert.True(remap.Accepts(ImageReference.Parse("mirror.example:5000/c/x:1"), ImageReference.Parse("localhost:5000/origin/c/x:1")));
    }

    [Fact]
    public void ASignatureOfTheRepositoryAloneVouchesOnlyUnderTheRepositoryRules()
    {
        // What cosign signs: "reg.example/app", no tag. Read as app:latest, it let whoever can
        // move the tag point it at any other signed build of the repository.
        const string cosign = SignaturePayload.SigstoreType;
        byte[] payload = Payload(cosign, Digest, "reg.example/app");
        foreach (string pulled in new[] { "reg.example/app", "reg.example/app:latest", "reg.example/app@" + Digest })
        {
            ImageReference image = ImageReference.Parse(pulled);
            Assert.Contains("signs only the repository reg.example/app", SignaturePayload.Check(payload, cosign, Digest, image, SignedIdentity.Default), StringComparison.Ordinal);
            Assert.NotNull(SignaturePayload.Check(payload, cosign, Digest, image, new MatchExact()));
            Assert.NotNull(SignaturePayload.Check(payload, cosign, Digest, image, new ExactReference(ImageReference.Parse("reg.example/app:latest"))));
            Assert.Null(SignaturePayload.Check(payload, cosign, Digest, image, new MatchRepository()));
            Assert.Null(SignaturePayload.Check(payload, cosign, Digest, image, new ExactRepository("reg.example/app")));
        }
        // A registry's port is no tag.
        Assert.True(SignaturePayload.NamesOnlyARepository("reg.example:5000/app"));
        Assert.False(SignaturePayload.NamesOnlyARepository("reg.example:5000/app:1"));
        Assert.False(SignaturePayload.NamesOnlyARepository("reg.example/app@" + Digest));
    }

    [Fact]
    public void ArmoredKeysBecomeTheirBinaryPackets()
    {
        byte[] packets = [0x99, 0x00, 0x33, 0x04, 1, 2, 3, 250];
        string armored = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nComment: test\n\n" + Convert.ToBase64String(packets) + "\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n";
        Assert.Equal(packets, OpenPgpArmor.ToBinary(Encoding.ASCII.GetBytes(armored + armored), "k").AsSpan(0, packets.Length).ToArray());
        Assert.Equal(packets.Length * 2, OpenPgpArmor.ToBinary(Encoding.ASCII.GetBytes(armored + armored), "k").Length);
        Assert.Equal(packets, OpenPgpArmor.ToBinary(packets, "k"));
    }

    [Fact]
    public async Task ARejectScopeRefusesNamingItsEntryAndAcceptAnythingLetsPass()
    {
        var trust = new ImageTrust(Parse("""
            {"default": [{"type": "insecureAcceptAnything"}],
             "transports": {"docker": {"reg.example/blocked": [{"type": "insecureAcceptAnything"}, {"type": "reject"}]}}}
            """), SignatureLookaside.Empty);
        await trust.CheckPullAsync(ImageReference.Parse("reg.example/app:1"), Digest, null, CancellationToken.None);
        var e = await Assert.ThrowsAsync<PodUnitsException>(() => trust.CheckPullAsync(ImageReference.Parse("reg.example/blocked:1"), Digest, null, CancellationToken.None));
        Assert.Equal("image reg.example/blocked:1: refused by policy.json: transports.docker[\"reg.example/blocked\"][1] (reject): the policy rejects every image in this scope", e.Message);
    }

    [Fact]
    public async Task SignedByWithoutALookasideOrSignatureIsRefused()
    {
        string registriesD = Directory.CreateDirectory(_dir + "/registries.d").FullName;
        File.WriteAllText(registriesD + "/a.yaml", $"docker:\n  reg.example/signed:\n    lookaside: file://{_dir}/sigs\n");
        var trust = new ImageTrust(Parse("""{"default": [{"type": "signedBy", "keyType": "GPGKeys", "keyData": "AA=="}]}"""), SignatureLookaside.Load(registriesD));
        var none = await Assert.ThrowsAsync<PodUnitsException>(() => trust.CheckPullAsync(ImageReference.Parse("reg.example/app:1"), Digest, null, CancellationToken.None));
        Assert.Contains("default[0] (signedBy): no signature can be found: registries.d configures no lookaside for it", none.Message, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<PodUnitsException>(() => trust.CheckPullAsync(ImageReference.Parse("reg.example/signed:1"), Digest, null, CancellationToken.None));
        Assert.Contains($"no signature found at file://{_dir}/sigs/signed@sha256=0123456789abcdef", missing.Message, StringComparison.Ordinal);
        Assert.EndsWith("/signature-1", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RegistriesDMergesFilesAndRefusesAScopeConfiguredTwice()
    {
        string dir = Directory.CreateDirectory(_dir + "/rd").FullName;
        File.WriteAllText(dir + "/a.yaml", "default-docker:\n  lookaside: https://sigs.example/all\ndocker:\n  reg.example/team:\n    sigstore: file:///srv/team\n");
        File.WriteAllText(dir + "/b.yaml", "docker:\n  reg.example/team/app:\n    use-sigstore-attachments: true\n    lookaside-staging: file:///tmp/x\n");
        SignatureLookaside lookaside = SignatureLookaside.Load(dir);
        Assert.Equal(new SignatureLookaside.Section("file:///srv/team", false), lookaside.For(ImageReference.Parse("reg.example/team/web:1")));
        // Each setting from the most specific scope that sets it (as containers/image): the
        // app's section sets only attachments; its lookaside is its namespace's.
        Assert.Equal(new SignatureLookaside.Section("file:///srv/team", true), lookaside.For(ImageReference.Parse("reg.example/team/app:1")));
        Assert.Equal("https://sigs.example/all", lookaside.For(ImageReference.Parse("busybox"))!.Lookaside);
        File.WriteAllText(dir + "/c.yaml", "docker:\n  reg.example/team:\n    lookaside: file:///elsewhere\n");
        var e = Assert.Throws<BadInputException>(() => SignatureLookaside.Load(dir));
        Assert.Contains("c.yaml:2:3: scope reg.example/team is configured in", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigstoreSignaturesAreCheckedWithThePolicysPublicKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string pem = _dir + "/cosign.pub";
        File.WriteAllText(pem, key.ExportSubjectPublicKeyInfoPem());
        string rd = Directory.CreateDirectory(_dir + "/rd2").FullName;
        File.WriteAllText(rd + "/a.yaml", "default-docker:\n  use-sigstore-attachments: true\n");
        var trust = new ImageTrust(Parse($$"""{"default": [{"type": "sigstoreSigned", "keyPath": "{{pem}}"}]}"""), SignatureLookaside.Load(rd));
        ImageReference image = ImageReference.Parse("reg.example/app:1");
        byte[] payload = Payload(SignaturePayload.SigstoreType, Digest, "reg.example/app:1");
        SigstoreSignature Sign(ECDsa by, byte[] data) =>
            new(data, Convert.ToBase64String(by.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));
        ImageTrust.AttachmentSource Source(params SigstoreSignature[] s) => _ => Task.FromResult<IReadOnlyList<SigstoreSignature>>(s);

        await trust.CheckPullAsync(image, Digest, Source(Sign(stranger, payload), Sign(key, payload)), CancellationToken.None);
        var wrongKey = await Assert.ThrowsAsync<PodUnitsException>(() => trust.CheckPullAsync(image, Digest, Source(Sign(stranger, payload)), CancellationToken.None));
        Assert.Contains("(sigstoreSigned): its signature was not made by the policy's key", wrongKey.Message, StringComparison.Ordinal);
        byte[] otherImage = Payload(SignaturePayload.SigstoreType, Other, "reg.example/app:1");
        var wrongImage = await Assert.ThrowsAsync<PodUnitsException>(() => trust.CheckPullAsync(image, Digest, Source(Sign(key, otherImage)), CancellationToken.None));
        Assert.Contains("it signs manifest " + Other, wrongImage.Message, StringComparison.Ordinal);
        var none = await Assert.ThrowsAsync<PodUnitsException>(() => trust.CheckPullAsync(image, Digest, Source(), CancellationToken.None));
        Assert.Contains("the registry holds no sigstore signature for it", none.Message, StringComparison.Ordinal);
        var noAttachments = new ImageTrust(trust.Policy, SignatureLookaside.Empty);
        var off = await Assert.ThrowsAsync<PodUnitsException>(() => noAttachments.CheckPullAsync(image, Digest, Source(Sign(key, payload)), CancellationToken.None));
        Assert.Contains("use-sigstore-attachments: true", off.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AP384KeysSignatureIsCheckedOverSha256AsCosignMakesIt()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        byte[] payload = Payload(SignaturePayload.SigstoreType, Digest, "reg.example/app:1");
        var signature = new SigstoreSignature(payload, Convert.ToBase64String(key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));
        Assert.True(SigstoreVerifier.Verify(signature, key.ExportSubjectPublicKeyInfoPem(), out string why), why);
    }

    /// <summary>Review of 2026-12-05: a policy.json that is a dangling symlink or a directory
    /// counted as none, so the built-in insecureAcceptAnything let every image in.</summary>
    [Fact]
    public void APolicyPathThatIsNoFileFailsClosed()
    {
        string dir = Directory.CreateTempSubdirectory("podunits-policy-").FullName;
        try
        {
            string link = Path.Join(dir, "policy.json");
            File.CreateSymbolicLink(link, "/nonexistent/policy.json");
            var e = Assert.Throws<BadInputException>(() => TrustPolicy.Load(link, Path.Join(dir, "other.json")));
            Assert.Equal($"{link}: is a symlink to /nonexistent/policy.json, which is missing; the trust policy cannot be read, so no image is let in", e.Message);
            File.Delete(link);
            Directory.CreateDirectory(link);
            Assert.Contains("is a directory", Assert.Throws<BadInputException>(() => TrustPolicy.Load(link)).Message, StringComparison.Ordinal);
            Directory.Delete(link);
            Assert.Same(TrustPolicy.BuiltInDefault, TrustPolicy.Load(link));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
