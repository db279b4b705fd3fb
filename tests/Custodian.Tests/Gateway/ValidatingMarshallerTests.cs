using System.Buffers;
using Custodian.Gateway.Validation;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using AccessProto = Custodian.Gateway.Protos.Access;
using RequestsProto = Custodian.Gateway.Protos.Requests;
using SubjectsProto = Custodian.Gateway.Protos.Subjects;

namespace Custodian.Tests.Gateway;

public sealed class ValidatingMarshallerTests
{
    private const string NotAPutRecordRequest = "The request is not a valid custodian.subjects.v1.PutRecordRequest message.";

    public static TheoryData<string, string> MalformedPutRecordRequests => new()
    {
        { "truncated", "0A05616263" }, // tenant_id claims 5 bytes, 3 follow
        { "length past the end", "0A036163651264" }, // subject_id claims 100 bytes, none follow
        { "invalid UTF-8 in a string", "0A04616263FF" },
        { "invalid UTF-8 in a nested string", "1A060A04C328C328" }, // record.category
        { "wire type 6", "0E" },
        { "wire type 7", "0A0161" + "3F" },
        { "lone end-group tag", "0A0161" + "0C" },
        { "start-group tag never closed", "0B0A0161" },
        { "over-long varint", "08FFFFFFFFFFFFFFFFFFFF01" }, // eleven bytes; ten is the most a varint may take
        { "over-long tag", "FFFFFFFFFFFFFFFFFFFF01" },
        { "nested message overruns", "1A030A0A61" }, // record is 3 bytes; its category claims 10
        { "field number zero", "00" },
        { "negative length", "0AFFFFFFFF0F" },
    };

    public static TheoryData<Timestamp> InvalidTimestamps => new()
    {
        new Timestamp { Seconds = 0, Nanos = -1 },
        new Timestamp { Seconds = 0, Nanos = 1_000_000_000 },
        new Timestamp { Seconds = DateTimeOffset.MinValue.ToUnixTimeSeconds() - 1 },
        new Timestamp { Seconds = new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero).ToUnixTimeSeconds() + 1 },
        new Timestamp { Seconds = long.MaxValue },
    };

    [Theory]
    [MemberData(nameof(MalformedPutRecordRequests))]
    public void MalformedBytesAreInvalidArgumentNamingTheMessageType(string kind, string hex)
    {
        // Arrange
        var marshaller = Validating(Generated(SubjectsProto.PutRecordRequest.Parser));

        // Act
        var error = Assert.Throws<RpcException>(() => marshaller.ContextualDeserializer(new Payload(Convert.FromHexString(hex))));

        // Assert
        Assert.True(error.StatusCode == StatusCode.InvalidArgument, kind);
        Assert.Equal(NotAPutRecordRequest, error.Status.Detail);
    }

    [Fact]
    public void NeitherTheCallerNorTheLogSeeWhatTheMalformedRequestHeld()
    {
        // Arrange: a request that names a person, then breaks off
        var logs = new CapturedLogs();
        var marshaller = new ValidatingMarshaller<SubjectsProto.PutRecordRequest>(Generated(SubjectsProto.PutRecordRequest.Parser), "/custodian.subjects.v1.Subjects/PutRecord", logs.CreateLogger("test"));
        var valid = new SubjectsProto.PutRecordRequest { TenantId = "acme", SubjectId = "s1", Record = SampleRecords.Contact("jane.doe@example.org") }.ToByteArray();

        // Act
        var error = Assert.Throws<RpcException>(() => marshaller.ContextualDeserializer(new Payload(valid[..^3])));

        // Assert
        Assert.Equal(NotAPutRecordRequest, error.Status.Detail);
        var line = Assert.Single(logs.Lines);
        Assert.Contains("/custodian.subjects.v1.Subjects/PutRecord", line);
        Assert.Contains(nameof(InvalidProtocolBufferException), line);
        Assert.DoesNotContain("jane", line);
        Assert.DoesNotContain("acme", line);
    }

    [Fact]
    public void AValidRequestIsReadAsTheMethodsOwnMarshallerReadsIt()
    {
        // Arrange
        var inner = Generated(SubjectsProto.PutRecordRequest.Parser);
        var marshaller = Validating(inner);
        var request = new SubjectsProto.PutRecordRequest { TenantId = "acme", SubjectId = "s1", Record = SampleRecords.Contact("v@example.org") };

        // Act
        var read = marshaller.ContextualDeserializer(new Payload(request.ToByteArray()));

        // Assert
        Assert.Equal(request, read);
        Assert.Same(inner.ContextualSerializer, marshaller.ContextualSerializer);
    }

    [Theory]
    [MemberData(nameof(InvalidTimestamps))]
    public void ATimestampItsTypeCannotHoldIsInvalidArgumentNamingTheField(Timestamp informedAt)
    {
        // Arrange
        var marshaller = Validating(Generated(SubjectsProto.LiftRestrictionRequest.Parser));
        var request = new SubjectsProto.LiftRestrictionRequest { TenantId = "acme", SubjectId = "s1", SubjectInformedAt = informedAt };

        // Act
        var error = Assert.Throws<RpcException>(() => marshaller.ContextualDeserializer(new Payload(request.ToByteArray())));

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal("subject_informed_at", violation.Field);
        Assert.StartsWith("subject_informed_at is not a valid timestamp", error.Status.Detail);
    }

    [Fact]
    public void TheFirstAndLastInstantsATimestampCanHoldAreValid()
    {
        // Arrange
        var first = new SubjectsProto.LiftRestrictionRequest { SubjectInformedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.MinValue) };
        var last = new SubjectsProto.LiftRestrictionRequest { SubjectInformedAt = new Timestamp { Seconds = new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero).ToUnixTimeSeconds(), Nanos = 999_999_999 } };

        // Act
        var violations = TimeFields.Violations(first).Concat(TimeFields.Violations(last));

        // Assert
        Assert.Empty(violations);
        Assert.Equal(DateTimeOffset.MinValue, first.SubjectInformedAt.ToDateTimeOffset());
    }

    [Fact]
    public void InvalidTimesInNestedMessagesAndListsAreNamedByTheirPath()
    {
        // Arrange
        var export = new AccessProto.ExportGrantLogRequest { Filter = new AccessProto.ListGrantLogRequest { From = new Timestamp { Nanos = -5 } } };
        var log = new AccessProto.ListGrantLogResponse();
        log.Events.Add(new AccessProto.GrantEvent { At = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch) });
        log.Events.Add(new AccessProto.GrantEvent { At = new Timestamp { Seconds = long.MinValue } });
        var warning = new RequestsProto.Warning { Before = new Duration { Seconds = 1, Nanos = -1 } };

        // Act
        var found = TimeFields.Violations(export).Concat(TimeFields.Violations(log)).Concat(TimeFields.Violations(warning)).Select(v => v.Field);

        // Assert
        Assert.Equal(["filter.from", "events[1].at", "before"], found);
    }

    [Fact]
    public void AMessageThatCannotHoldATimeIsNotWalked()
    {
        // Arrange
        var descriptor = SubjectsProto.PutRecordRequest.Descriptor;

        // Act
        var canHold = TimeFields.CanHoldTimes(descriptor);

        // Assert
        Assert.False(canHold);
        Assert.True(TimeFields.CanHoldTimes(AccessProto.ExportGrantLogRequest.Descriptor));
    }

    private static ValidatingMarshaller<T> Validating<T>(Marshaller<T> inner) => new(inner, "/test/Method", new CapturedLogs().CreateLogger("test"));

    /// <summary>A marshaller as Grpc.Tools generates one: protobuf's parser over the payload's sequence.</summary>
    private static Marshaller<T> Generated<T>(MessageParser<T> parser) where T : IMessage<T> =>
        new((message, context) => context.Complete(message.ToByteArray()), context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    private sealed class Payload(byte[] bytes) : DeserializationContext
    {
        public override int PayloadLength => bytes.Length;

        public override byte[] PayloadAsNewBuffer() => (byte[])bytes.Clone();

        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(bytes);
    }
}
