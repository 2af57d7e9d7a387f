using PodUnits.IntegrationTests.Images;
using PodUnits.Tests.Images;
using PodUnits.UnitTests;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>`podunits run -i` with the image forms podman run takes beyond a registry
/// (oci-archive:, docker-archive:, imported into the store first) and a user name looked up
/// in the image's /etc/passwd.</summary>
public sealed class InteractiveImageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-archive-").FullName;

    public void Dispose()
    {
        PodHarness.Run("podunits", "image", "rm", "localhost/it-archive:1");
        PodHarness.Run("podunits", "image", "rm", "localhost/it-docker:2");
        PodHarness.Run("podunits", "image", "rm", "localhost/it-entrypoint:1");
        Directory.Delete(_dir, recursive: true);
    }

    private string OciArchive()
    {
        string archive = _dir + "/busybox.tar";
        var made = PodHarness.Run(RepoRoot.Path + "/packaging/busybox-image.sh", "--archive", archive);
        Assert.True(made.Code == 0, made.Output);
        return archive;
    }

    [Fact]
    public void AnOciArchiveRunsUnderTheGivenNameAsAUserOfTheImage()
    {
        string archive = OciArchive();
        var run = PodHarness.Run("podunits", "run", "-i", "--name", "it-archive", "--user", "nobody",
            $"oci-archive:{archive}:localhost/it-archive:1", "--", "id");
        Assert.True(run.Code == 0, run.Output);
        Assert.Contains("uid=65534(nobody) gid=65534(nobody)", run.Output, StringComparison.Ordinal);
        Assert.Contains("localhost/it-archive:1", PodHarness.Run("podunits", "image", "list").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ADockerArchiveRunsUnderItsOwnRepoTag()
    {
        string docker = _dir + "/docker.tar";
        var converted = PodHarness.Run("skopeo", "copy", "--quiet", $"oci-archive:{OciArchive()}", $"docker-archive:{docker}:localhost/it-docker:2");
        Assert.True(converted.Code == 0, converted.Output);
        var run = PodHarness.Run("podunits", "run", "-i", "--name", "it-docker", $"docker-archive:{docker}", "--", "sh", "-c", "echo from-docker-archive");
        Assert.True(run.Code == 0, run.Output);
        Assert.Contains("from-docker-archive", run.Output, StringComparison.Ordinal);
        Assert.Contains("localhost/it-docker:2", PodHarness.Run("podunits", "image", "list").Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("oci-archive:{0}", "--user", "0", "podunits: image oci-archive:{0}: the archive names no single image; name one: oci-archive:{0}:REF")]
    [InlineData("oci-archive:{0}:localhost/it-archive:1", "--user", "nosuchuser", "podunits: --user: user \"nosuchuser\" is not in the image's /etc/passwd")]
    [InlineData("oci-archive:{0}.missing", "--user", "0", "podunits: image oci-archive:{0}.missing: no such file {0}.missing")]
    public void BadArchivesAndUsersAreOneLineErrors(string image, string option, string value, string message)
    {
        string archive = OciArchive();
        var run = PodHarness.Run("podunits", "run", "-i", "--name", "it-bad-image", option, value, string.Format(System.Globalization.CultureInfo.InvariantCulture, image, archive), "--", "true");
        Assert.Equal(2, run.Code);
        // The last line: an import before it may report its layers on stderr.
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, archive), run.Output.Trim().Split('\n')[^1]);
        Assert.False(Directory.Exists("/run/podunits/state/it-bad-image"));
        // Nor a pin that would keep the image from `image rm` in the name of a pod never started.
        Assert.False(File.Exists("/var/lib/podunits/pods/it-bad-image/images"));
    }

    /// <summary>Review of the docs, 2026-12-07, finding 1: the words after the image replaced
    /// its ENTRYPOINT (Kubernetes' command); as in podman run they are its CMD now, and
    /// --entrypoint replaces the ENTRYPOINT (and the CMD with it).</summary>
    [Fact]
    public void TheWordsKeepTheImagesEntrypointAndEntrypointReplacesIt()
    {
        string rootfs = _dir + "/rootfs";
        Directory.CreateDirectory(rootfs + "/bin");
        File.Copy("/bin/busybox", rootfs + "/bin/busybox");
        foreach (string applet in new[] { "sh", "echo", "id" }) File.CreateSymbolicLink($"{rootfs}/bin/{applet}", "busybox");
        byte[] layer = RegistryFixture.TarOf(rootfs);
        OciLayoutBuilder.Write(_dir + "/layout", [layer], [layer], "application/vnd.oci.image.layer.v1.tar",
            configFields: "\"Env\":[\"PATH=/bin\"],\"Entrypoint\":[\"/bin/echo\",\"entry\"],\"Cmd\":[\"default\"]");
        var imported = PodHarness.Run("podunits", "image", "import", _dir + "/layout", "--name", "localhost/it-entrypoint:1");
        Assert.True(imported.Code == 0, imported.Output);
        (string[] Words, string Expected)[] runs =
        [
            ([], "entry default"),
            (["--", "arg one"], "entry arg one"),
            (["--entrypoint", "/bin/echo", "--", "x"], "x"),
            (["--entrypoint", "[\"/bin/echo\", \"a\"]"], "a"),
            (["--entrypoint", "", "--", "echo", "whole"], "whole"),
        ];
        foreach ((string[] words, string expected) in runs)
        {
            string[] options = [.. words.TakeWhile(w => w != "--")];
            var run = PodHarness.Run("podunits", ["run", "-i", "--name", "it-entrypoint", .. options, "localhost/it-entrypoint:1", .. words.Skip(options.Length)]);
            Assert.True(run.Code == 0, run.Output);
            Assert.Equal(expected, run.Output.Trim());
        }
    }
}
