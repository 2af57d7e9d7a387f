using PodUnits.Core.Errors;

namespace PodUnits.UnitTests.Core;

public sealed class NativeCallExceptionTests
{
    /// <summary>Review of 2026-12-06: a layer's entry named with a terminal's escape sequence
    /// (and a component too long to look up) reached `image fetch`'s terminal as it was.</summary>
    [Fact]
    public void APathIsWrittenOnOneLineWithItsControlCharactersEscaped()
    {
        var e = new NativeCallException("lstat", 36, "/store/.tmp-x/\u001b]0;pwned\u0007\u001b[2J\nAAAA/f");
        Assert.DoesNotContain('\u001b', e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("lstat /store/.tmp-x/", e.Message, StringComparison.Ordinal);
    }
}
