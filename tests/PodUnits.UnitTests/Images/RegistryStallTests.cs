using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Images.Registry;
using PodUnits.Images.Store;
using PodUnits.Tests.Images;

namespace PodUnits.UnitTests.Images;

/// <summary>A registry that accepts the connection and then sends nothing fails the pull
/// after the inactivity timeout (here 1 s instead of 60), whether it withholds its headers
/// or stops in the middle of a body, instead of holding the store lock for ever.</summary>
public sealed class RegistryStallTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-stall-").FullName;
    private readonly ManualResetEventSlim _release = new();

    public void Dispose()
    {
        _release.Set();
        _release.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Some bytes, then silence until the test ends.</summary>
    private IEnumerable<byte[]> Stall(byte[] first)
    {
        yield return first;
        _release.Wait(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("headers")]
    [InlineData("manifest")]
    [InlineData("blob")]
    public async Task ASilentRegistryFailsThePullAfterTheInactivityTimeout(string where)
    {
        byte[] tar = new LayerBuilder().File("hello", "world").Tar();
        string manifest = OciLayoutBuilder.Write(_dir + "/layout", [tar], [tar], "application/vnd.oci.image.layer.v1.tar");
        byte[] Blob(string digest) => File.ReadAllBytes($"{_dir}/layout/blobs/sha256/{digest["sha256:".Length..]}");
        string layerPath = "/v2/test/app/blobs/sha256:" + OciLayoutBuilder.Hex(tar);
        using var registry = new ChunkedRegistry((path, _) =>
        {
            if (path == "/v2/test/app/manifests/1")
            {
                if (where == "headers") _release.Wait(TimeSpan.FromSeconds(30));
                return (200, "Content-Type: application/vnd.oci.image.manifest.v1+json\r\n",
                    where == "manifest" ? Stall(Encoding.UTF8.GetBytes("{\"schemaVersion\"")) : [Blob(manifest)]);
            }
            if (path == layerPath && where == "blob") return (200, "", Stall(tar[..100]));
            const string Blobs = "/v2/test/app/blobs/";
            return path.StartsWith(Blobs, StringComparison.Ordinal) ? (200, "", [Blob(path[Blobs.Length..])]) : (404, "", []);
        });
        var store = ImageStore.Open(_dir + "/store", new RegistrySettings(insecure: [registry.Host]) { ReadInactivityTimeout = TimeSpan.FromSeconds(1) });
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // As a registry that cannot be reached: a pod under imagePullPolicy Always then runs its stored copy.
        var e = await Assert.ThrowsAsync<RegistryUnreachableException>(() => store.FetchAsync(registry.Host + "/test/app:1"));

        Assert.Equal($"image {registry.Host}/test/app:1: cannot reach registry {registry.Host}: it sent nothing for 1 s", e.Message);
        // The timer's clock is coarser than the Stopwatch's: it fired at 0.99998 s once.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(20));
        Assert.Empty(store.List());
        _release.Set();
        await registry.FinishAsync();
    }
}
