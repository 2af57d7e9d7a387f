using System.Diagnostics;

namespace PodUnits.IntegrationTests.Images;

/// <summary>Throwaway GnuPG keys in a home of their own (never root's ~/.gnupg), and skopeo
/// signing with them into a file lookaside, as an image publisher does.</summary>
internal sealed class GpgTestKeys : IDisposable
{
    public GpgTestKeys(string dir)
    {
        Home = Directory.CreateDirectory(dir + "/gnupg").FullName;
        File.SetUnixFileMode(Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        SigningConfig = Directory.CreateDirectory(dir + "/sign.d").FullName;
        Lookaside = Directory.CreateDirectory(dir + "/sigstore").FullName;
        // skopeo writes signatures to the staging URL; readers are configured separately.
        File.WriteAllText(SigningConfig + "/default.yaml", $"default-docker:\n  lookaside-staging: file://{Lookaside}\n");
    }

    public string Home { get; }
    public string SigningConfig { get; }
    public string Lookaside { get; }

    /// <summary>Makes an ed25519 signing key; returns its fingerprint.</summary>
    public string Create(string name)
    {
        Run("gpg", "--batch", "--passphrase", "", "--quick-gen-key", $"{name} <{name}@podunits.invalid>", "ed25519", "sign", "never");
        string colons = Run("gpg", "--batch", "--with-colons", "--list-keys", $"{name}@podunits.invalid");
        return colons.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
    }

    /// <summary>The public key, ASCII-armored (as keys are usually published).</summary>
    public string ExportArmored(string fingerprint, string path)
    {
        File.WriteAllText(path, Run("gpg", "--batch", "--armor", "--export", fingerprint));
        return path;
    }

    /// <summary>skopeo copy from an OCI layout to the registry, signed by the key if one is given; returns
    /// the pushed manifest's digest.</summary>
    public string Push(string layout, string destination, string? fingerprint)
    {
        string digestFile = Path.GetTempFileName();
        try
        {
            var args = new List<string> { "--registries.d", SigningConfig, "copy", "--quiet", "--dest-tls-verify=false", "--digestfile", digestFile };
            if (fingerprint is not null) args.AddRange(["--sign-by", fingerprint]);
            args.AddRange([$"oci:{layout}:1", $"docker://{destination}"]);
            Run("skopeo", [.. args]);
            return File.ReadAllText(digestFile).Trim();
        }
        finally
        {
            File.Delete(digestFile);
        }
    }

    private string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["GNUPGHOME"] = Home;
        using Process p = Process.Start(info)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {err.Result}");
        return output;
    }

    public void Dispose() => Run("gpgconf", "--kill", "gpg-agent");
}
