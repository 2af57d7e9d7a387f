using System.Formats.Tar;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Images.Registry;
using PodUnits.Images.Store;
using PodUnits.Images.Trust;
using PodUnits.Images.Unpack;
using PodUnits.Tests.Images;

namespace PodUnits.UnitTests.Images;

/// <summary>The outer tar of `podunits image import` holds only regular files, directories
/// and links that stay inside it: anything else refuses the archive, naming the member.</summary>
public sealed class ArchiveImportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-archive-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<BadInputException> ImportRefused(byte[] tar)
    {
        File.WriteAllBytes(_dir + "/image.tar", tar);
        var store = ImageStore.Open(_dir + "/store", new RegistrySettings());
        var e = await Assert.ThrowsAsync<BadInputException>(() => store.ImportAsync(_dir + "/image.tar", "localhost/x:1"));
        Assert.Empty(store.List());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir + "/store/tmp")); // the temp dir is gone
        return e;
    }

    [Fact]
    public async Task ATruncatedArchiveIsOneClearError()
    {
        byte[] whole = new LayerBuilder().File("oci-layout", "{}").File("index.json", new string('x', 4000)).Tar();
        BadInputException e = await ImportRefused(whole[..1000]); // cut inside index.json's data
        Assert.Equal($"import {_dir}/image.tar: ends inside a tar entry (truncated)", e.Message);
    }

    [Fact]
    public async Task AFileThatIsNoTarIsOneClearError()
    {
        BadInputException e = await ImportRefused([.. Enumerable.Range(0, 2048).Select(i => (byte)(i * 7 + 3))]);
        Assert.Equal($"import {_dir}/image.tar: is not a tar archive or OCI layout directory, or is damaged", e.Message);
    }

    [Fact]
    public async Task BrokenJsonIsNamedByTheArchiveAndItsMemberNotTheTempDirectory()
    {
        BadInputException e = await ImportRefused(new LayerBuilder().File("oci-layout", "{}").File("index.json", "{\n  \"manifests\": [,]\n}").Tar());
        Assert.Equal($"import {_dir}/image.tar: index.json is not the JSON an image holds (line 2, byte 17)", e.Message);
    }

    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";

    private static string IndexEntry(string mediaType, string digest, long size, string refName) =>
        $"{{\"mediaType\":\"{mediaType}\",\"digest\":\"{digest}\",\"size\":{size},\"annotations\":{{\"org.opencontainers.image.ref.name\":\"{refName}\"}}}}";

    /// <summary>An OCI archive of <paramref name="layout"/>, its index.json listing <paramref name="entries"/>.</summary>
    private string ArchiveOf(string layout, params string[] entries)
    {
        File.WriteAllText(layout + "/index.json", $"{{\"schemaVersion\":2,\"manifests\":[{string.Join(",", entries)}]}}");
        using (var output = File.Create(_dir + "/image.tar")) TarFile.CreateFromDirectory(layout, output, includeBaseDirectory: false);
        return _dir + "/image.tar";
    }

    /// <summary>Second images review of 2026-12-06, finding 1: an archive listing one manifest
    /// twice (two tags of one image, or a nested index and a top-level entry naming it) failed
    /// at the second entry, the manifest moved out of the temp dir by the first, which had set
    /// its name already. Stored once, every name resolves to it; --name names it once.</summary>
    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(false, "localhost/app:9")]
    public async Task OneImageListedUnderTwoNamesIsImportedUnderEach(bool viaNestedIndex, string? name)
    {
        byte[] tar = new LayerBuilder().File("hello", "world").Tar();
        string layout = _dir + "/layout";
        string manifest = OciLayoutBuilder.Write(layout, [tar], [tar], "application/vnd.oci.image.layer.v1.tar");
        long size = new FileInfo($"{layout}/blobs/sha256/{manifest[7..]}").Length;
        string first = IndexEntry(ManifestType, manifest, size, "localhost/app:1");
        if (viaNestedIndex)
        {
            byte[] nested = System.Text.Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"manifests\":[{{\"mediaType\":\"{ManifestType}\",\"digest\":\"{manifest}\",\"size\":{size}," +
                $"\"platform\":{{\"architecture\":\"{PodUnits.Images.Oci.ManifestKind.HostArchitecture()}\",\"os\":\"linux\"}}}}]}}");
            File.WriteAllBytes($"{layout}/blobs/sha256/{OciLayoutBuilder.Hex(nested)}", nested);
            first = IndexEntry("application/vnd.oci.image.index.v1+json", "sha256:" + OciLayoutBuilder.Hex(nested), nested.Length, "localhost/app:1");
        }
        string archive = ArchiveOf(layout, first, IndexEntry(ManifestType, manifest, size, "localhost/app:2"));
        var store = ImageStore.Open(_dir + "/store", new RegistrySettings());

        IReadOnlyList<ResolvedImage> imported = await store.ImportAsync(archive, name);

        string[] names = name is null ? ["localhost/app:1", "localhost/app:2"] : [name];
        Assert.Equal(names, imported.Select(i => i.Reference));
        foreach (string n in names)
        {
            ResolvedImage image = await store.ResolveAsync(n, PullPolicy.Never);
            Assert.Equal(manifest, image.ManifestDigest);
            Assert.Equal("world", File.ReadAllText(image.LayerDirs[0] + "/hello"));
        }
        Assert.Equal(names, store.List().Select(i => i.Reference).Order(StringComparer.Ordinal));
    }

    /// <summary>An archive refused at its second image sets no name, not the first image's
    /// alone: an import is not left half done.</summary>
    [Fact]
    public async Task AnArchiveRefusedAtItsSecondImageSetsNoName()
    {
        byte[] tar = new LayerBuilder().File("hello", "world").Tar();
        string layout = _dir + "/layout";
        string good = OciLayoutBuilder.Write(layout, [tar], [tar], "application/vnd.oci.image.layer.v1.tar");
        byte[] broken = System.Text.Encoding.UTF8.GetBytes(File.ReadAllText($"{layout}/blobs/sha256/{good[7..]}")
            .Replace("sha256:" + OciLayoutBuilder.Hex(tar), "sha256:" + new string('0', 64), StringComparison.Ordinal));
        File.WriteAllBytes($"{layout}/blobs/sha256/{OciLayoutBuilder.Hex(broken)}", broken);
        string archive = ArchiveOf(layout,
            IndexEntry(ManifestType, good, new FileInfo($"{layout}/blobs/sha256/{good[7..]}").Length, "localhost/good:1"),
            IndexEntry(ManifestType, "sha256:" + OciLayoutBuilder.Hex(broken), broken.Length, "localhost/broken:1"));
        var store = ImageStore.Open(_dir + "/store", new RegistrySettings());

        var e = await Assert.ThrowsAsync<BadInputException>(() => store.ImportAsync(archive));

        Assert.Equal($"import {_dir}/image.tar: 'blobs/sha256/{new string('0', 64)}' is missing or outside the image", e.Message);
        Assert.Empty(store.List());
    }

    /// <summary>Second images review of 2026-12-06, finding 5: index.json and docker's
    /// manifest.json were read whole, whatever their size, while the store lock was held.</summary>
    [Theory]
    [InlineData("index.json")]
    [InlineData("manifest.json")]
    public async Task AnIndexOrManifestLargerThanAPulledOneMayBeIsRefused(string name)
    {
        string json = "[" + new string(' ', LimitedBody.MaxManifestBytes - 1) + "]";

        BadInputException e = await ImportRefused(new LayerBuilder().File(name, json).Tar());

        Assert.Equal($"import {_dir}/image.tar: {name} has {LimitedBody.MaxManifestBytes + 1} bytes, more than the {LimitedBody.MaxManifestBytes} an index or manifest may have", e.Message);
    }

    /// <summary>Second images review of 2026-12-06, finding 2: a list, entry or field given
    /// as null ended in a NullReferenceException, reported as an internal error. BLOB is the
    /// manifest or nested index that index.json names.</summary>
    [Theory]
    [InlineData("index.json", """{"manifests":[null]}""", "index.json is not an image index: an entry of \"manifests\" is null")]
    [InlineData("index.json", """{"manifests":null}""", "index.json is not an image index: \"manifests\" is null")]
    [InlineData("nested index", """{"manifests":[null]}""", "BLOB is not an image index: an entry of \"manifests\" is null")]
    [InlineData("manifest", """{"schemaVersion":2,"config":null,"layers":[]}""", "BLOB is not an image manifest: \"config\" is null")]
    [InlineData("manifest", """{"schemaVersion":2,"config":{},"layers":null}""", "BLOB is not an image manifest: \"layers\" is null")]
    [InlineData("manifest", """{"schemaVersion":2,"config":{},"layers":[null]}""", "BLOB is not an image manifest: an entry of \"layers\" is null")]
    [InlineData("manifest.json", "[null]", "manifest.json is not a docker save manifest: an entry is null")]
    [InlineData("manifest.json", """[{"Config":null,"Layers":[]}]""", "manifest.json is not a docker save manifest: \"Config\" is null")]
    [InlineData("manifest.json", """[{"Config":"c.json","Layers":null}]""", "manifest.json is not a docker save manifest: \"Layers\" is null")]
    [InlineData("manifest.json", """[{"Config":"c.json","Layers":[null]}]""", "manifest.json is not a docker save manifest: an entry of \"Layers\" is null")]
    [InlineData("manifest.json", """[{"Config":"c.json","RepoTags":[null],"Layers":[]}]""", "manifest.json is not a docker save manifest: an entry of \"RepoTags\" is null")]
    public async Task ANullWhereAnImageNeedsAValueIsOneClearError(string file, string json, string why)
    {
        string hex = OciLayoutBuilder.Hex(System.Text.Encoding.UTF8.GetBytes(json));
        string? mediaType = file switch
        {
            "manifest" => "application/vnd.oci.image.manifest.v1+json",
            "nested index" => "application/vnd.oci.image.index.v1+json",
            _ => null,
        };
        var archive = new LayerBuilder();
        archive = mediaType is null ? archive.File(file, json) : archive.Dir("blobs").Dir("blobs/sha256").File("blobs/sha256/" + hex, json)
            .File("index.json", $"{{\"manifests\":[{{\"mediaType\":\"{mediaType}\",\"digest\":\"sha256:{hex}\",\"size\":{json.Length}}}]}}");

        BadInputException e = await ImportRefused(archive.Tar());

        Assert.Equal($"import {_dir}/image.tar: {why.Replace("BLOB", "blobs/sha256/" + hex, StringComparison.Ordinal)}", e.Message);
    }

    [Theory]
    [InlineData("fifo", "a FIFO")]
    [InlineData("char", "a character device")]
    [InlineData("block", "a block device")]
    public async Task ArchivesWithSpecialFilesAreRefusedNamingTheMember(string kind, string described)
    {
        var builder = new LayerBuilder().File("oci-layout", "{}").Dir("blobs");
        builder = kind switch
        {
            "fifo" => builder.Fifo("blobs/pipe"),
            "char" => builder.Device("blobs/mem", TarEntryType.CharacterDevice, 1, 1),
            _ => builder.Device("blobs/sda", TarEntryType.BlockDevice, 8, 0),
        };

        BadInputException e = await ImportRefused(builder.File("index.json", "{}").Tar());

        Assert.Contains($"archive member 'blobs/", e.Message, StringComparison.Ordinal);
        Assert.Contains($"it is {described}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("layer.tar", "/etc/passwd")]
    [InlineData("l1/layer.tar", "../../etc/passwd")]
    [InlineData("up", "..")]
    public async Task SymlinksLeadingOutAreRefusedNamingTheMember(string name, string target)
    {
        BadInputException e = await ImportRefused(new LayerBuilder().Dir("l1").Symlink(name, target).File("manifest.json", "[]").Tar());

        Assert.Contains($"archive member '{name}' refused: it is a symlink to '{target}', outside the archive", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChainOfLinksThatEachLookInsideButLeadOutIsRefused()
    {
        // x/y/s -> ../.. is the archive root; t -> x/y/s/.. is lexically x/y, but really the
        // parent of the archive.
        byte[] tar = new LayerBuilder().Dir("x").Dir("x/y").Symlink("x/y/s", "../..").Symlink("t", "x/y/s/..").Tar();

        BadInputException e = await ImportRefused(tar);

        Assert.Contains("archive member 't' refused: it is a symlink that leads to", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArchiveMembersKeepTheirNamesButNotTheirModes()
    {
        using var dir = new ScratchDir();
        byte[] tar = new LayerBuilder().File(".wh.blob", "data", (UnixFileMode)0xfff).Dir("d", (UnixFileMode)0x1ff).Symlink("d/l", "../.wh.blob").Tar();

        LayerUnpacker.ForArchive().Unpack(new MemoryStream(tar), dir.Root);

        Assert.Equal("data", File.ReadAllText(dir.Root + "/.wh.blob")); // no whiteout made of it
        Assert.Equal(0x1a4, Stat.Mode(dir.Root + "/.wh.blob")); // not setuid, not world-writable
        Assert.Equal(0x1ed, Stat.Mode(dir.Root + "/d"));
        Assert.Equal("data", File.ReadAllText(dir.Root + "/d/l"));
    }

    [Fact]
    public async Task ADockerSaveArchiveRepeatingALayerAsASymlinkImports()
    {
        byte[] layer = new LayerBuilder().File("hello", "world").Tar();
        string hex = OciLayoutBuilder.Hex(layer);
        string save = _dir + "/save";
        Directory.CreateDirectory(save + "/l1");
        Directory.CreateDirectory(save + "/l2");
        File.WriteAllBytes(save + "/l1/layer.tar", layer);
        File.CreateSymbolicLink(save + "/l2/layer.tar", "../l1/layer.tar");
        File.WriteAllText(save + "/cfg.json", $"{{\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[\"sha256:{hex}\",\"sha256:{hex}\"]}}}}");
        File.WriteAllText(save + "/manifest.json", "[{\"Config\":\"cfg.json\",\"RepoTags\":[\"legacy:1\"],\"Layers\":[\"l1/layer.tar\",\"l2/layer.tar\"]}]");
        using (var output = File.Create(_dir + "/save.tar")) TarFile.CreateFromDirectory(save, output, includeBaseDirectory: false);

        ResolvedImage image = Assert.Single(await ImageStore.Open(_dir + "/store", new RegistrySettings()).ImportAsync(_dir + "/save.tar"));

        Assert.Equal("world", File.ReadAllText(image.LayerDirs[0] + "/hello"));
    }

    private ImageStore OpenWithPolicy(string policy) =>
        ImageStore.Open(_dir + "/store", new RegistrySettings(),
            new ImageTrust(TrustPolicyParser.Parse(System.Text.Encoding.UTF8.GetBytes(policy), "policy.json"), SignatureLookaside.Empty));

    private string SaveArchive(string repoTag)
    {
        byte[] layer = new LayerBuilder().File("hello", "world").Tar();
        string save = _dir + "/save";
        Directory.CreateDirectory(save);
        File.WriteAllBytes(save + "/layer.tar", layer);
        File.WriteAllText(save + "/cfg.json", $"{{\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[\"sha256:{OciLayoutBuilder.Hex(layer)}\"]}}}}");
        File.WriteAllText(save + "/manifest.json", $"[{{\"Config\":\"cfg.json\",\"RepoTags\":[\"localhost/free:1\",\"{repoTag}\"],\"Layers\":[\"layer.tar\"]}}]");
        using (var output = File.Create(_dir + "/save.tar")) TarFile.CreateFromDirectory(save, output, includeBaseDirectory: false);
        return _dir + "/save.tar";
    }

    /// <summary>An import cannot fill a name whose docker scope demands signatures or
    /// rejects: a pod naming it would run what the archive holds, unsigned. Nothing is
    /// stored or tagged; --name puts the same archive under a name the policy lets in.</summary>
    [Theory]
    [InlineData("registry.example/app:1", "signedBy", "needs a signature an import cannot carry (fetch it from the registry, or import it under another name with --name)")]
    [InlineData("registry.example/team/app:1", "reject", "the policy rejects every image named registry.example/team/app:1 (import it under another name with --name)")]
    public async Task AnArchiveCannotClaimANameThePolicyProtects(string repoTag, string type, string why)
    {
        string requirement = type == "reject" ? "{\"type\": \"reject\"}" : $"{{\"type\": \"signedBy\", \"keyType\": \"GPGKeys\", \"keyPath\": \"{_dir}/key.gpg\"}}";
        ImageStore store = OpenWithPolicy("""
            {"default": [{"type": "insecureAcceptAnything"}],
             "transports": {"docker": {"registry.example": [REQUIREMENT]}}}
            """.Replace("REQUIREMENT", requirement, StringComparison.Ordinal));
        string archive = SaveArchive(repoTag);

        var e = await Assert.ThrowsAsync<PodUnitsException>(() => store.ImportAsync(archive));

        Assert.Equal($"import {archive}: refused by policy.json: transports.docker[\"registry.example\"][0] ({type}): " +
            (type == "reject" ? why : $"{repoTag} {why}"), e.Message);
        Assert.Empty(store.List());
        Assert.Empty(Directory.EnumerateFiles(_dir + "/store/blobs/sha256"));
        ResolvedImage renamed = Assert.Single(await store.ImportAsync(archive, "localhost/app:1"));
        Assert.Equal("localhost/app:1", Assert.Single(store.List()).Reference);
        Assert.Equal("world", File.ReadAllText(renamed.LayerDirs[0] + "/hello"));
    }

    [Fact]
    public async Task ALayoutsAnnotatedNameIsCheckedAgainstTheDockerScopeToo()
    {
        byte[] tar = new LayerBuilder().File("hello", "world").Tar();
        OciLayoutBuilder.Write(_dir + "/layout", [tar], [tar], "application/vnd.oci.image.layer.v1.tar", refName: "registry.example/app:1");
        ImageStore store = OpenWithPolicy("""
            {"default": [{"type": "insecureAcceptAnything"}],
             "transports": {"docker": {"registry.example/app": [{"type": "sigstoreSigned", "keyPath": "DIR/key.pub"}]}}}
            """.Replace("DIR", _dir, StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<PodUnitsException>(() => store.ImportAsync(_dir + "/layout"));

        Assert.Equal($"import {_dir}/layout: refused by policy.json: transports.docker[\"registry.example/app\"][0] (sigstoreSigned): " +
            "registry.example/app:1 needs a signature an import cannot carry (fetch it from the registry, or import it under another name with --name)", e.Message);
        Assert.Empty(store.List());
    }

    /// <summary>Trust review of 2026-12-06, finding 3: a name pinning a digest was stored for
    /// whatever the archive held, and a pod pinned to that digest then ran it.</summary>
    [Fact]
    public async Task ANameCannotPinADigestOtherThanTheImagesOwn()
    {
        byte[] tar = new LayerBuilder().File("hello", "world").Tar();
        string pinned = "registry.example/app@sha256:" + new string('1', 64);
        OciLayoutBuilder.Write(_dir + "/layout", [tar], [tar], "application/vnd.oci.image.layer.v1.tar", refName: pinned);
        var store = ImageStore.Open(_dir + "/store", new RegistrySettings());

        var annotated = await Assert.ThrowsAsync<BadInputException>(() => store.ImportAsync(_dir + "/layout"));
        Assert.StartsWith($"import {_dir}/layout: the name {pinned} pins digest sha256:1111", annotated.Message, StringComparison.Ordinal);
        Assert.Empty(store.List());
        await Assert.ThrowsAsync<BadInputException>(() => store.ImportAsync(_dir + "/layout", "registry.example/app:1@sha256:" + new string('1', 64)));
        Assert.Empty(store.List());

        // By a tag, and then by its own digest, it imports.
        ResolvedImage tagged = Assert.Single(await store.ImportAsync(_dir + "/layout", "registry.example/app:1"));
        ResolvedImage own = Assert.Single(await store.ImportAsync(_dir + "/layout", "registry.example/app@" + tagged.ManifestDigest));
        Assert.Equal(tagged.ManifestDigest, own.ManifestDigest);
    }

    /// <summary>Images review of 2026-12-06, finding 7: a descriptor's size was never compared
    /// with its file, and the wrong size was stored, listed and exported as it was.</summary>
    [Theory]
    [InlineData("1")]
    [InlineData("9223372036854775807")]
    public async Task ABlobWhoseSizeIsNotItsDescriptorsIsRefused(string size)
    {
        byte[] tar = new LayerBuilder().File("hello", "world").Tar();
        string manifest = OciLayoutBuilder.Write(_dir + "/layout", [tar], [tar], "application/vnd.oci.image.layer.v1.tar");
        string index = File.ReadAllText(_dir + "/layout/index.json");
        File.WriteAllText(_dir + "/layout/index.json", System.Text.RegularExpressions.Regex.Replace(index, "\"size\":[0-9]+", $"\"size\":{size}"));
        var store = ImageStore.Open(_dir + "/store", new RegistrySettings());

        var e = await Assert.ThrowsAsync<BadInputException>(() => store.ImportAsync(_dir + "/layout", "localhost/x:1"));

        Assert.StartsWith($"import {_dir}/layout: index.json gives blob {manifest} a size of {size} bytes, but its file has ", e.Message, StringComparison.Ordinal);
        Assert.Empty(store.List());
    }

    /// <summary>Images review of 2026-12-07, finding 5: a blob the store held already was taken
    /// with the size the layout's manifest gave it, unchecked, and exported so.</summary>
    [Fact]
    public async Task AStoredBlobIsCheckedAgainstTheSizeTheLayoutGives()
    {
        byte[] tar = new LayerBuilder().File("hello", "world").Tar();
        string manifestDigest = OciLayoutBuilder.Write(_dir + "/layout", [tar], [tar], "application/vnd.oci.image.layer.v1.tar");
        string layer = "sha256:" + OciLayoutBuilder.Hex(tar);
        string manifestPath = _dir + "/layout/blobs/sha256/" + manifestDigest["sha256:".Length..];
        byte[] manifest = System.Text.Encoding.UTF8.GetBytes(File.ReadAllText(manifestPath)
            .Replace($"\"digest\":\"{layer}\",\"size\":{tar.Length}", $"\"digest\":\"{layer}\",\"size\":{tar.Length + 5}", StringComparison.Ordinal));
        string lying = OciLayoutBuilder.Hex(manifest);
        File.WriteAllBytes(_dir + "/layout/blobs/sha256/" + lying, manifest);
        File.WriteAllText(_dir + "/layout/index.json", File.ReadAllText(_dir + "/layout/index.json")
            .Replace(manifestDigest["sha256:".Length..], lying, StringComparison.Ordinal)
            .Replace($"\"size\":{new FileInfo(manifestPath).Length}", $"\"size\":{manifest.Length}", StringComparison.Ordinal));
        var store = ImageStore.Open(_dir + "/store", new RegistrySettings());
        new BlobStore(_dir + "/store").Add(tar); // stored before, by another image

        var e = await Assert.ThrowsAsync<BadInputException>(() => store.ImportAsync(_dir + "/layout", "localhost/x:1"));

        Assert.Equal($"import {_dir}/layout: blobs/sha256/{lying} gives blob {layer} a size of {tar.Length + 5} bytes, but its file has {tar.Length}", e.Message);
        Assert.Empty(store.List());
    }

    /// <summary>Path scopes judge where the file is, not the symlink the user named, as
    /// containers/image resolves them: a link in a trusted directory to an archive in a
    /// rejected one is rejected.</summary>
    [Fact]
    public async Task APathScopeJudgesTheFileASymlinkLeadsTo()
    {
        string real = LibcExtra.realpath(_dir)!;
        Directory.CreateDirectory(_dir + "/trusted");
        Directory.CreateDirectory(_dir + "/untrusted");
        File.Move(SaveArchive("localhost/app:1"), _dir + "/untrusted/evil.tar");
        File.CreateSymbolicLink(_dir + "/trusted/app.tar", _dir + "/untrusted/evil.tar");
        ImageStore store = OpenWithPolicy("""
            {"default": [{"type": "insecureAcceptAnything"}],
             "transports": {"docker-archive": {"REAL/untrusted": [{"type": "reject"}], "REAL/trusted": [{"type": "insecureAcceptAnything"}]}}}
            """.Replace("REAL", real, StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<PodUnitsException>(() => store.ImportAsync(_dir + "/trusted/app.tar"));

        Assert.Equal($"import {_dir}/trusted/app.tar: refused by policy.json: transports.docker-archive[\"{real}/untrusted\"][0] (reject): " +
            $"the policy rejects every image in this scope ({_dir}/trusted/app.tar is {real}/untrusted/evil.tar)", e.Message);
        Assert.Empty(store.List());
    }
}
