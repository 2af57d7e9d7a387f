using System.Formats.Tar;
using System.Text;
using PodUnits.IntegrationTests.Images;
using PodUnits.Tests.Images;

namespace PodUnits.IntegrationTests.Definitions;

/// <summary>
/// A real registry that stands in for docker.io, registry.k8s.io and gcr.io, reached through
/// registries.yaml's mirrors, so the Kubernetes documentation's pods run with their image
/// names unchanged. The sandbox cannot reach those registries: each name is served here by
/// an image that behaves as the documentation's does where the pod relies on it.
/// - nginx, nginx:1.29: the Debian-based test image (nginx-light), serving
///   /usr/share/nginx/html on port 80 in the foreground, as the official image does;
/// - debian: the same Debian root;
/// - busybox:1.28, registry.k8s.io/busybox:1.27.2: busybox-static with every applet;
/// - gcr.io/google-samples/hello-app:2.0, node-hello:1.0 and registry.k8s.io/goproxy:0.1
///   (servers on 8080): busybox's httpd on 8080.
/// </summary>
public sealed class CorpusRegistry : IAsyncLifetime
{
    private const string Tar = "application/vnd.oci.image.layer.v1.tar";
    private const string SystemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private readonly RegistryFixture _registry = new();

    /// <summary>Names the store holds after the tests, removed at the end.</summary>
    public static readonly string[] Images =
    [
        "docker.io/library/nginx:latest", "docker.io/library/nginx:1.29", "docker.io/library/debian:latest",
        "docker.io/library/busybox:1.28", "registry.k8s.io/busybox:1.27.2",
        "gcr.io/google-samples/hello-app:2.0", "gcr.io/google-samples/node-hello:1.0", "registry.k8s.io/goproxy:0.1",
    ];

    public static string DebianRoot => Path.Combine(PodUnits.UnitTests.RepoRoot.Path, "artifacts", "debian-rootfs");

    public string Host => _registry.Host;

    /// <summary>registries.yaml for the tests: this registry, plain HTTP, mirrors each origin.</summary>
    public string RegistriesYaml => $"""
        insecure: ["{Host}"]
        mirrors:
          docker.io: ["{Host}"]
          registry.k8s.io: ["{Host}/k8s"]
          gcr.io: ["{Host}/gcr"]
        """;

    public async Task InitializeAsync()
    {
        await _registry.InitializeAsync();
        string work = Directory.CreateDirectory(_registry.Dir + "/corpus").FullName;

        byte[] busybox = BusyboxLayer(work + "/busybox");
        await PushAsync(work, [busybox], ["sh"], "/bin", "library/busybox:1.28", "k8s/busybox:1.27.2");
        await PushAsync(work, [busybox], ["httpd", "-f", "-p", "8080", "-h", "/tmp"], "/bin",
            "gcr/google-samples/hello-app:2.0", "gcr/google-samples/node-hello:1.0", "k8s/goproxy:0.1");

        // Everything but /dev (device nodes; the runtime makes its own) and the build marker.
        await RegistryFixture.RunAsync("tar", "-C", DebianRoot, "--numeric-owner", "--exclude=./dev", "--exclude=./.complete",
            "-cf", work + "/debian.tar", ".");
        byte[] debian = await File.ReadAllBytesAsync(work + "/debian.tar");
        File.Delete(work + "/debian.tar");
        await PushAsync(work, [debian], ["bash"], SystemPath, "library/debian:latest");
        await PushAsync(work, [debian, NginxSiteLayer()], ["nginx", "-g", "daemon off;"], SystemPath, "library/nginx:latest", "library/nginx:1.29");
    }

    public async Task DisposeAsync()
    {
        foreach (string image in Images) PodUnits.IntegrationTests.Runtime.PodHarness.Run("podunits", "image", "rm", image);
        await _registry.DisposeAsync();
    }

    private async Task PushAsync(string work, byte[][] layers, string[] cmd, string path, params string[] names)
    {
        string layout = $"{work}/layout-{Guid.NewGuid():N}";
        OciLayoutBuilder.Write(layout, layers, layers, Tar, "1", cmd, path: path);
        foreach (string name in names)
            await RegistryFixture.RunAsync("skopeo", "copy", "--quiet", "--dest-tls-verify=false", $"oci:{layout}:1", $"docker://{Host}/{name}");
        Directory.Delete(layout, recursive: true);
    }

    /// <summary>busybox-static with a link per applet, and the passwd and group files the
    /// official image has (root, nobody).</summary>
    private static byte[] BusyboxLayer(string root)
    {
        foreach (string dir in new[] { "bin", "etc", "root", "tmp", "home", "var", "proc", "sys", "dev", "run" }) Directory.CreateDirectory($"{root}/{dir}");
        File.Copy("/bin/busybox", root + "/bin/busybox");
        string applets = PodUnits.IntegrationTests.Runtime.PodHarness.Run("/bin/busybox", "--list").Output;
        foreach (string applet in applets.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (applet != "busybox" && !File.Exists($"{root}/bin/{applet}")) File.CreateSymbolicLink($"{root}/bin/{applet}", "busybox");
        }
        // Debian's busybox-static is built without printenv, which the official image has
        // and the documentation's pods call: a script does what the applet does.
        File.WriteAllText(root + "/bin/printenv", """
            #!/bin/sh
            [ $# -eq 0 ] && exec env
            status=0
            for name in "$@"; do
                if eval "[ -n \"\${$name+set}\" ]"; then eval "printf '%s\n' \"\$$name\""; else status=1; fi
            done
            exit $status
            """ + "\n");
        File.SetUnixFileMode(root + "/bin/printenv", (UnixFileMode)0x1ed);
        File.WriteAllText(root + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n");
        File.WriteAllText(root + "/etc/group", "root:x:0:\nnobody:x:65534:\n");
        File.SetUnixFileMode(root + "/tmp", (UnixFileMode)0x3ff); // 1777
        return RegistryFixture.TarOf(root);
    }

    /// <summary>The official nginx image serves /usr/share/nginx/html; Debian's package
    /// serves /var/www/html. This layer makes the stand-in serve what the official one does.</summary>
    private static byte[] NginxSiteLayer()
    {
        var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/nginx/sites-enabled/default")
            {
                Mode = (UnixFileMode)0x1a4,
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(
                    "server {\n    listen 80 default_server;\n    root /usr/share/nginx/html;\n    index index.html;\n}\n")),
            });
        }
        return output.ToArray();
    }
}
