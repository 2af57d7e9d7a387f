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
