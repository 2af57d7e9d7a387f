using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using PodUnits.Tests.Images;

namespace PodUnits.IntegrationTests.Images;

/// <summary>
/// A real registry (Debian's docker-registry, distribution 2.x) on 127.0.0.1, storing in a
/// temp dir, fed with images built here from busybox-static and pushed by skopeo.
/// </summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    private const string MediaGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    private Process? _registry;

    public string Dir { get; } = Directory.CreateTempSubdirectory("podunits-registry-").FullName;
    public int Port { get; private set; }
    public string Host => $"127.0.0.1:{Port}";
    public string Storage => Dir + "/storage";

    public async Task InitializeAsync()
    {
        Port = FreePort();
        File.WriteAllText(Dir + "/config.yml", $"""
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: {Storage}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{Port}
            """);
        _registry = Process.Start(new ProcessStartInfo("/usr/bin/docker-registry", ["serve", Dir + "/config.yml"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _registry.OutputDataReceived += (_, _) => { };
        _registry.ErrorDataReceived += (_, _) => { };
        _registry.BeginOutputReadLine();
        _registry.BeginErrorReadLine();
        using var http = new HttpClient();
        // Up to a minute for the registry to listen: 5 s was tight on a loaded 2-core machine
        // with fixtures and pods starting together, and a reply other than OK looped for good
        // (test review of 2026-12-06, finding 11).
        var waited = System.Diagnostics.Stopwatch.StartNew();
        HttpStatusCode? last = null;
        while (true)
        {
            try
            {
                using HttpResponseMessage r = await http.GetAsync($"http://{Host}/v2/");
                if (r.StatusCode == HttpStatusCode.OK) break;
                last = r.StatusCode;
            }
            catch (HttpRequestException) when (waited.Elapsed < TimeSpan.FromSeconds(60) && !_registry.HasExited)
            {
            }
            if (waited.Elapsed > TimeSpan.FromSeconds(60) || _registry.HasExited)
            {
                throw new InvalidOperationException($"the test registry at {Host} did not answer OK within a minute (last: {last?.ToString() ?? "no answer"}, exited: {_registry.HasExited})");
            }
            await Task.Delay(50);
        }
        await PushBusyboxAsync("test/busybox:1");
    }

    /// <summary>Three layers: busybox-static with applet symlinks (gzip), a config file
    /// layer that also whites out a file of the first, and 6 MB of random data (plain tar),
    /// big enough to cut mid-transfer. Returns the OCI layout dir.</summary>
    public async Task<string> PushBusyboxAsync(string repositoryAndTag, string? marker = null)
    {
        string work = Directory.CreateDirectory($"{Dir}/image-{Guid.NewGuid():N}").FullName;
        string rootfs = work + "/rootfs";
        Directory.CreateDirectory(rootfs + "/bin");
        Directory.CreateDirectory(rootfs + "/etc");
        File.Copy("/bin/busybox", rootfs + "/bin/busybox");
        foreach (string applet in new[] { "sh", "ls", "cat", "echo" }) File.CreateSymbolicLink($"{rootfs}/bin/{applet}", "busybox");
        File.WriteAllText(rootfs + "/etc/old", "to be whited out");
        byte[] layer1 = TarOf(rootfs);

        var second = new MemoryStream();
        using (var writer = new TarWriter(second, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "etc/") { Mode = (UnixFileMode)0x1ed });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/hello")
            {
                Mode = (UnixFileMode)0x1a4,
                DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(marker ?? "hello from layer 2\n")),
            });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/.wh.old") { DataStream = new MemoryStream() });
        }
        byte[] layer2 = second.ToArray();

        var third = new MemoryStream();
        using (var writer = new TarWriter(third, TarEntryFormat.Pax, leaveOpen: true))
        {
            byte[] random = new byte[6 << 20];
            Random.Shared.NextBytes(random);
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "data/random.bin") { Mode = (UnixFileMode)0x1a4, DataStream = new MemoryStream(random) });
        }
        byte[] layer3 = third.ToArray();

        // Mixed media types as in the wild: gzip for two, plain tar for the big one.
        string layout = work + "/layout";
        OciLayoutBuilder.Write(layout, [layer1, layer2, layer3], [Gzip(layer1), Gzip(layer2), layer3],
            "application/vnd.oci.image.layer.v1.tar+gzip", "1", ["/bin/sh", "-c", "cat /etc/hello"],
            [MediaGzip, MediaGzip, "application/vnd.oci.image.layer.v1.tar"]);
        await RunAsync("skopeo", "copy", "--quiet", "--dest-tls-verify=false", $"oci:{layout}:1", $"docker://{Host}/{repositoryAndTag}");
        return layout;
    }

    public static byte[] TarOf(string dir)
    {
        var output = new MemoryStream();
        TarFile.CreateFromDirectory(dir, output, includeBaseDirectory: false);
        return output.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return output.ToArray();
    }

    public static async Task<string> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {await stderr}");
        return await stdout;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public Task DisposeAsync()
    {
        if (_registry is { HasExited: false }) _registry.Kill();
        _registry?.Dispose();
        Directory.Delete(Dir, recursive: true);
        return Task.CompletedTask;
    }
}
