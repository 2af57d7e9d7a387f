using System.Text.Json;
using PodUnits.Core.Errors;

namespace PodUnits.UnitTests.Core;

public sealed class JsonErrorsTests
{
    [Theory] // as the NativeAOT executables see them (UseSystemResourceKeys)
    [InlineData("ZeroDepthAtEnd, LineNumber: 1 | BytePositionInLine: 0.", "it ends inside an object or array (a missing '}' or ']')")]
    [InlineData("EndOfStringNotFound, LineNumber: 0 | BytePositionInLine: 9.", "a string is not closed")]
    [InlineData("TrailingCommaNotAllowedBeforeArrayEnd LineNumber: 0 | BytePositionInLine: 80.", "a ',' before ']'")]
    [InlineData("SomeKeyNobodyKnows, LineNumber: 0 | BytePositionInLine: 9.", "malformed")]
    [InlineData("'x' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 0.", "'x' is an invalid start of a value")]
    public void MessagesSayWhatIsWrongWithoutResourceKeysOrPositions(string message, string expected) =>
        Assert.Equal(expected, JsonErrors.Describe(new JsonException(message)));

    [Fact]
    public void WhatTheParserThrowsReadsAsWords()
    {
        var e = Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse("{\"a\": "));
        Assert.DoesNotContain("LineNumber", JsonErrors.Describe(e), StringComparison.Ordinal);
        Assert.NotEmpty(JsonErrors.Describe(e));
    }

    [Theory]
    [InlineData("net_frame_read_size", true)]
    [InlineData("IO_FileExists_Name, /etc/hostname", true)]
    [InlineData("The remote certificate is invalid.", false)]
    public void ResourceKeysAreRecognized(string message, bool key) => Assert.Equal(key, ResourceKeys.IsKey(message));
}
