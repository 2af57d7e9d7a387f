using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

public sealed class ImageUserTests
{
    private static string? Files(string path) => path switch
    {
        "etc/passwd" => "root:x:0:0:root:/root:/bin/sh\n# comment\nwww:x:33:34:web:/var/www:/bin/false\n",
        "etc/group" => "root:x:0:\nstaff:x:50:\n",
        _ => null,
    };

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("", null, null)]
    [InlineData("0", 0L, 0L)]
    [InlineData("33", 33L, 34L)]      // primary group from /etc/passwd
    [InlineData("1234", 1234L, 0L)]   // unknown uid: group 0, as Docker does
    [InlineData("www", 33L, 34L)]
    [InlineData("www:staff", 33L, 50L)]
    [InlineData("1000:2000", 1000L, 2000L)]
    public void UserToNumbers(string? user, long? uid, long? gid) =>
        Assert.Equal((uid, gid), ImageUser.Resolve(user, Files));

    [Theory]
    [InlineData("nobody")]
    [InlineData("www:nogroup")]
    public void UnknownNamesAreErrors(string user)
    {
        var e = Assert.Throws<ArgumentException>(() => ImageUser.Resolve(user, Files));
        Assert.Contains("is not in the image's /etc/", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoPasswdFileMeansNamesCannotResolve() =>
        Assert.Throws<ArgumentException>(() => ImageUser.Resolve("www", _ => null));

    /// <summary>Review of 2026-12-05: an image's USER (or its /etc/passwd) with an ID past
    /// 2^31 - 1 wrapped when it became uid_t: 4294967296 ran as root and 4294967295 was
    /// setresuid's "unchanged", both past runAsNonRoot's check. Refused as runc refuses them.</summary>
    [Theory]
    [InlineData("4294967295")]
    [InlineData("4294967296")]
    [InlineData("2147483648")]
    [InlineData("1000:4294967296")]
    [InlineData("big")]
    [InlineData("www:huge")]
    public void IdsPastTwoToTheThirtyFirstAreRefused(string user)
    {
        static string? Wide(string path) => path switch
        {
            "etc/passwd" => "big:x:4294967296:1:big:/:/bin/sh\nwww:x:33:34:web:/var/www:/bin/false\n",
            "etc/group" => "huge:x:4294967295:\n",
            _ => null,
        };
        var e = Assert.Throws<ArgumentException>(() => ImageUser.Resolve(user, Wide));
        Assert.Contains("is out of range: user and group IDs must be 0 to 2147483647", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLargestIdIsAccepted() =>
        Assert.Equal((2147483647L, 0L), ImageUser.Resolve("2147483647", Files));
}
