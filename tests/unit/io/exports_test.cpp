// The small formats behind the exports: CSV quoting, IPv4 checksums, the address plan.
#include <gtest/gtest.h>

#include "sim/io/csv.hpp"
#include "sim/io/pcap.hpp"

using namespace sim::io;

TEST(Csv, QuotesOnlyFieldsThatNeedIt) {
    EXPECT_EQ(csv_field("plain"), "plain");
    EXPECT_EQ(csv_field(""), "");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
}

TEST(Csv, RecordsEndWithCrLf) {
    EXPECT_EQ(csv_record({"a", "b,c", ""}), "a,\"b,c\",\r\n");
}

TEST(Pcap, Ipv4ChecksumOfAKnownHeader) {
    // 45 00 00 73 00 00 40 00 40 11 [b8 61] c0 a8 00 01 c0 a8 00 c7: checksum 0xb861.
    std::uint8_t h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                          0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    EXPECT_EQ(ipv4_checksum(h, 20), 0xb861);
    h[10] = 0xb8;
    h[11] = 0x61;
    EXPECT_EQ(ipv4_checksum(h, 20), 0);  // a header with its checksum sums to zero
}

TEST(Pcap, AddressesFollowTheNodeIndex) {
    EXPECT_EQ(node_address(0), (std::array<std::uint8_t, 4>{10, 0, 0, 1}));
    EXPECT_EQ(node_address(254), (std::array<std::uint8_t, 4>{10, 0, 0, 255}));
    EXPECT_EQ(node_address(255), (std::array<std::uint8_t, 4>{10, 0, 1, 0}));
    EXPECT_EQ(node_address(70000), (std::array<std::uint8_t, 4>{10, 1, 17, 113}));
}
