using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Planning.Configuration;

namespace PodUnits.UnitTests.Configuration;

/// <summary>`podunits secret create` writes a Secret file and never replaces one unasked.</summary>
public sealed class SecretFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-secrets").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static KeyValuePair<string, byte[]>[] Data(string value) => [new("password", Encoding.UTF8.GetBytes(value))];

    /// <summary>CLI review of 2026-12-07, finding 5: systemd-creds missing (systemd before 250)
    /// or unable to encrypt (no host key, no TPM2) is the host's condition, not a bug: it said
    /// "internal error". One line naming the secret, exit 1, and nothing written or replaced.</summary>
    [Fact]
    public void AnEncryptionTheHostCannotDoIsOneLineAndWritesNothing()
    {
        string path = SecretFiles.Create("db", Data("first"), encrypt: false, directory: _dir);
        Func<string, string, string> missing = (_, _) =>
            throw new IOException("/usr/bin/systemd-creds is missing (package systemd); it is needed for encrypted secrets");
        var e = Assert.Throws<PodUnitsException>(() => SecretFiles.Create("db", Data("second"), encrypt: true, replace: true, _dir, missing));
        Assert.Equal("secret db: /usr/bin/systemd-creds is missing (package systemd); it is needed for encrypted secrets", e.Message);
        Assert.Equal(ExitCodes.RuntimeFailure, e.ExitCode);
        Assert.Equal([path], Directory.GetFiles(_dir));
        Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes("first")), File.ReadAllText(path), StringComparison.Ordinal); // the old value stays
    }

    [Fact]
    public void AnExistingSecretIsKeptUnlessReplaceIsAsked()
    {
        string path = SecretFiles.Create("db", Data("first"), encrypt: false, directory: _dir);
        Assert.Equal($"{_dir}/db.yaml", path);
        string first = File.ReadAllText(path);
        Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes("first")), first, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        var e = Assert.Throws<BadInputException>(() => SecretFiles.Create("db", Data("second"), encrypt: false, directory: _dir));
        Assert.Equal($"secret db: already exists ({_dir}/db.yaml); --replace writes over it", e.Message);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
        Assert.Equal(first, File.ReadAllText(path));

        SecretFiles.Create("db", Data("second"), encrypt: false, replace: true, directory: _dir);
        Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes("second")), File.ReadAllText(path), StringComparison.Ordinal);
    }

    /// <summary>Config review of 2026-12-06, finding 2: `secret create` took 1 MiB per value and
    /// wrote it base64 (4/3 of it) into a file past the 1 MiB every pod refused. Values up to
    /// Kubernetes' 1 MiB in all are written and read back; more is refused before writing.</summary>
    [Fact]
    public void ASecretOfNearly1MiBIsReadBackAndMoreIsRefusedBeforeWriting()
    {
        string secrets = Directory.CreateDirectory(Path.Combine(_dir, "secrets")).FullName;
        SecretFiles.Create("big", [new("blob", new byte[900 * 1024])], encrypt: false, directory: secrets);
        var found = PodUnits.Definitions.Parsing.ConfigObjectLookup.Find(PodUnits.Definitions.ConfigObjectKind.Secret, "big", [_dir], out var problems);
        Assert.True(found is not null, string.Join('\n', problems));
        Assert.Equal(900 * 1024, found.Data["blob"].Length);

        var e = Assert.Throws<BadInputException>(() => SecretFiles.Create("bigger", [new("a", new byte[600 * 1024]), new("b", new byte[600 * 1024])], encrypt: false, directory: secrets));
        Assert.Equal($"secret bigger: its values add up to {1200 * 1024} bytes; a Secret holds at most {1 << 20} (Kubernetes' limit)", e.Message);
        Assert.False(File.Exists(Path.Combine(secrets, "bigger.yaml")));
        // Encrypted, the base64 document must fit systemd-creds' 1 MiB: said before it is asked.
        var encrypted = Assert.Throws<BadInputException>(() => SecretFiles.Create("sealed", [new("blob", new byte[900 * 1024])], encrypt: true, directory: secrets));
        Assert.StartsWith("secret sealed: encrypted, its document would be ", encrypted.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(secrets, "sealed.*"));
    }

    [Fact]
    public void ReplacingAnEncryptedSecretKeepsItEncrypted()
    {
        Assert.False(SecretFiles.Encrypts("db", encrypt: false, replace: true, directory: _dir));
        File.WriteAllText($"{_dir}/db.cred", "sealed");
        Assert.True(SecretFiles.Encrypts("db", encrypt: false, replace: true, directory: _dir));
        Assert.True(SecretFiles.Encrypts("db", encrypt: true, replace: false, directory: _dir));
        Assert.False(SecretFiles.Encrypts("other", encrypt: false, replace: true, directory: _dir));
    }

    [Fact]
    public void AnUnreadableSecretIsListedWithItsErrorAndNoKeys()
    {
        string secrets = Directory.CreateDirectory(Path.Combine(_dir, "secrets")).FullName;
        File.WriteAllText(Path.Combine(secrets, "db.yaml"), "apiVersion: v1\nkind: Secret\nmetadata: [\n");
        SecretSummary row = Assert.Single(SecretFiles.List(secrets));
        Assert.Empty(row.Keys);
        Assert.NotNull(row.Error);
        Assert.False(row.Encrypted);
    }

    /// <summary>Review of 2026-12-06: the list gave the first diagnostic of any kind as the
    /// reason (a warning about the file's mode), and a parser's message whole, value and all.</summary>
    [Fact]
    public void AnUnreadableSecretsReasonIsItsFirstErrorByPositionWithoutTheValue()
    {
        string secrets = Directory.CreateDirectory(Path.Combine(_dir, "secrets")).FullName;
        string file = Path.Combine(secrets, "db.yaml");
        File.WriteAllText(file, "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  password: *Hunter2Hunter2\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        SecretSummary row = Assert.Single(SecretFiles.List(secrets));
        Assert.Equal("not a valid Secret at 5:13 ('podunits validate' of a pod that uses it says what is wrong; not shown here, as it may quote a value)", row.Error);
    }

    [Fact]
    public void WhyAnEncryptedSecretCannotBeDecryptedIsSaid() =>
        Assert.Equal("cannot be decrypted: systemd-creds decrypt failed: Failed to decrypt",
            SecretFiles.Unreadable(encrypted: true, [new PodUnits.Definitions.Diagnostic(PodUnits.Definitions.Severity.Error, "/x/db.cred", 1, 1, "cannot be decrypted: systemd-creds decrypt failed: Failed to decrypt")]));

    [Fact]
    public void TheFileAPodReadsIsTheOneListedAndTheOtherIsShadowed()
    {
        string secrets = Directory.CreateDirectory(Path.Combine(_dir, "secrets")).FullName;
        SecretFiles.Create("db", Data("plain"), encrypt: false, directory: secrets);
        File.WriteAllText(Path.Combine(secrets, "db.cred"), "anything");
        SecretSummary row = Assert.Single(SecretFiles.List(secrets));
        Assert.False(row.Encrypted);
        Assert.Equal($"{secrets}/db.yaml", row.File);
        Assert.Equal([$"{secrets}/db.cred"], row.Shadowed);
        Assert.Equal(["password"], row.Keys);
        Assert.Null(row.Error);
    }
}
