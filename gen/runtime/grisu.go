package pegasusrt

import (
	"math"
	"math/bits"
)

// rtDiyFp is Grisu's "do-it-yourself floating point": f × 2^e with a 64-bit
// significand, enough precision to bracket a double's rounding interval.
type rtDiyFp struct {
	f uint64
	e int
}

// mul returns x×y rounded to 64 bits (half up), as both C++ libraries do.
func (x rtDiyFp) mul(y rtDiyFp) rtDiyFp {
	hi, lo := bits.Mul64(x.f, y.f)
	return rtDiyFp{hi + lo>>63, x.e + y.e + 64}
}

// normalize shifts the significand until its top bit is set.
func (x rtDiyFp) normalize() rtDiyFp {
	s := bits.LeadingZeros64(x.f)
	return rtDiyFp{x.f << s, x.e - s}
}

// rtCachedPowers are the normalized powers 10^-348, 10^-340, …, 10^340
// (significand, binary exponent), copied from rapidjson 1.1.0's diyfp.h.
// nlohmann 3.9.1 uses entries 6 to 84 of the same table.
var rtCachedPowers = [87]rtDiyFp{
	{0xfa8fd5a0081c0288, -1220}, {0xbaaee17fa23ebf76, -1193}, {0x8b16fb203055ac76, -1166},
	{0xcf42894a5dce35ea, -1140}, {0x9a6bb0aa55653b2d, -1113}, {0xe61acf033d1a45df, -1087},
	{0xab70fe17c79ac6ca, -1060}, {0xff77b1fcbebcdc4f, -1034}, {0xbe5691ef416bd60c, -1007},
	{0x8dd01fad907ffc3c, -980}, {0xd3515c2831559a83, -954}, {0x9d71ac8fada6c9b5, -927},
	{0xea9c227723ee8bcb, -901}, {0xaecc49914078536d, -874}, {0x823c12795db6ce57, -847},
	{0xc21094364dfb5637, -821}, {0x9096ea6f3848984f, -794}, {0xd77485cb25823ac7, -768},
	{0xa086cfcd97bf97f4, -741}, {0xef340a98172aace5, -715}, {0xb23867fb2a35b28e, -688},
	{0x84c8d4dfd2c63f3b, -661}, {0xc5dd44271ad3cdba, -635}, {0x936b9fcebb25c996, -608},
	{0xdbac6c247d62a584, -582}, {0xa3ab66580d5fdaf6, -555}, {0xf3e2f893dec3f126, -529},
	{0xb5b5ada8aaff80b8, -502}, {0x87625f056c7c4a8b, -475}, {0xc9bcff6034c13053, -449},
	{0x964e858c91ba2655, -422}, {0xdff9772470297ebd, -396}, {0xa6dfbd9fb8e5b88f, -369},
	{0xf8a95fcf88747d94, -343}, {0xb94470938fa89bcf, -316}, {0x8a08f0f8bf0f156b, -289},
	{0xcdb02555653131b6, -263}, {0x993fe2c6d07b7fac, -236}, {0xe45c10c42a2b3b06, -210},
	{0xaa242499697392d3, -183}, {0xfd87b5f28300ca0e, -157}, {0xbce5086492111aeb, -130},
	{0x8cbccc096f5088cc, -103}, {0xd1b71758e219652c, -77}, {0x9c40000000000000, -50},
	{0xe8d4a51000000000, -24}, {0xad78ebc5ac620000, 3}, {0x813f3978f8940984, 30},
	{0xc097ce7bc90715b3, 56}, {0x8f7e32ce7bea5c70, 83}, {0xd5d238a4abe98068, 109},
	{0x9f4f2726179a2245, 136}, {0xed63a231d4c4fb27, 162}, {0xb0de65388cc8ada8, 189},
	{0x83c7088e1aab65db, 216}, {0xc45d1df942711d9a, 242}, {0x924d692ca61be758, 269},
	{0xda01ee641a708dea, 295}, {0xa26da3999aef774a, 322}, {0xf209787bb47d6b85, 348},
	{0xb454e4a179dd1877, 375}, {0x865b86925b9bc5c2, 402}, {0xc83553c5c8965d3d, 428},
	{0x952ab45cfa97a0b3, 455}, {0xde469fbd99a05fe3, 481}, {0xa59bc234db398c25, 508},
	{0xf6c69a72a3989f5c, 534}, {0xb7dcbf5354e9bece, 561}, {0x88fcf317f22241e2, 588},
	{0xcc20ce9bd35c78a5, 614}, {0x98165af37b2153df, 641}, {0xe2a0b5dc971f303a, 667},
	{0xa8d9d1535ce3b396, 694}, {0xfb9b7cd9a4a7443c, 720}, {0xbb764c4ca7a44410, 747},
	{0x8bab8eefb6409c1a, 774}, {0xd01fef10a657842c, 800}, {0x9b10a4e5e9913129, 827},
	{0xe7109bfba19c0c9d, 853}, {0xac2820d9623bf429, 880}, {0x80444b5e7aa7cf85, 907},
	{0xbf21e44003acdd2d, 933}, {0x8e679c2f5e44ff8f, 960}, {0xd433179d9c8cb841, 986},
	{0x9e19db92b4e31ba9, 1013}, {0xeb96bf6ebadf77d9, 1039}, {0xaf87023b9bf0ee6b, 1066},
}

// rtPow10 holds the powers of ten that fit in 32 bits, for digit generation.
var rtPow10 = [10]uint64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000}

// rtGrisu2 is a line-by-line port of the Grisu2 digit generators of
// rapidjson 1.1.0 (internal/dtoa.h, rapid == true) and nlohmann::json 3.9.1
// (dtoa_impl, rapid == false). Neither always yields the shortest or the
// closest digits, and they disagree with each other and with strconv in the
// 17th digit for a good fraction of doubles (about one in five random
// doubles for rapidjson), so reproducing the servers' bodies byte for byte
// needs the algorithms themselves. For v > 0 and finite it writes the
// digits into buf and returns them with the decimal exponent k:
// v ≈ digits × 10^k.
func rtGrisu2(buf *[24]byte, v float64, rapid bool) ([]byte, int) {
	b := math.Float64bits(v)
	be := int(b >> 52 & 0x7FF)
	frac := b & (1<<52 - 1)
	x := rtDiyFp{frac, -1074}
	if be != 0 {
		x = rtDiyFp{frac | 1<<52, be - 1075}
	}
	// The boundaries m- and m+ of v's rounding interval. The lower one is
	// closer at a power of two; the libraries disagree on the smallest
	// normal.
	closer := frac == 0 && be > 1
	if rapid {
		closer = frac == 0 && be != 0
	}
	plus := rtDiyFp{x.f<<1 + 1, x.e - 1}.normalize()
	minus := rtDiyFp{x.f<<1 - 1, x.e - 1}
	if closer {
		minus = rtDiyFp{x.f<<2 - 1, x.e - 2}
	}
	minus = rtDiyFp{minus.f << (minus.e - plus.e), plus.e}

	// The cached power c = 10^-k that brings m+ × c into [2^-60, 2^-32).
	var index int
	if rapid {
		dk := float64(-61-plus.e)*0.30102999566398114 + 347
		k := int(dk)
		if dk-float64(k) > 0 {
			k++
		}
		index = k>>3 + 1
	} else {
		f := -61 - plus.e
		k := f * 78913 / (1 << 18)
		if f > 0 {
			k++
		}
		index = (300+k+7)/8 + 6
	}
	c := rtCachedPowers[index]
	K := 348 - 8*index // the decimal exponent of 1/c
	w := x.normalize().mul(c)
	mp := plus.mul(c)
	mm := minus.mul(c)
	mp.f--
	mm.f++
	return rtDigitGen(buf, w, mp, mm, K, rapid)
}

// rtDigitGen generates the digits of w within (mm, mp) for rtGrisu2; see
// there. The two libraries differ only in the digit count of the integral
// part (rapidjson assumes at most nine), in the fractional loop's stop test
// and in how the distance to w is scaled for the final rounding (rapidjson
// gives up rounding after nine fractional digits).
func rtDigitGen(buf *[24]byte, w, mp, mm rtDiyFp, K int, rapid bool) ([]byte, int) {
	shift := uint(-mp.e)
	one := uint64(1) << shift
	delta := mp.f - mm.f
	dist := mp.f - w.f
	p1 := mp.f >> shift
	p2 := mp.f & (one - 1)
	kappa := 1
	for kappa < 10 && p1 >= rtPow10[kappa] {
		kappa++
	}
	if rapid {
		kappa = min(kappa, 9)
	}
	n := 0
	for kappa > 0 {
		d := p1 / rtPow10[kappa-1]
		p1 %= rtPow10[kappa-1]
		if d != 0 || n > 0 {
			buf[n] = '0' + byte(d)
			n++
		}
		kappa--
		if rest := p1<<shift + p2; rest <= delta {
			rtGrisuRound(buf[:n], delta, rest, rtPow10[kappa]<<shift, dist)
			return buf[:n], K + kappa
		}
	}
	m := 0
	for {
		p2 *= 10
		delta *= 10
		dist *= 10
		buf[n] = '0' + byte(p2>>shift)
		n++
		p2 &= one - 1
		m++
		if p2 < delta || !rapid && p2 == delta {
			break
		}
	}
	if rapid {
		dist = 0
		if m < 9 {
			dist = (mp.f - w.f) * rtPow10[m]
		}
	}
	rtGrisuRound(buf[:n], delta, p2, one, dist)
	return buf[:n], K - m
}

// rtGrisuRound moves the last digit towards w while the result stays within
// the interval, identically in both libraries.
func rtGrisuRound(d []byte, delta, rest, tenK, dist uint64) {
	for rest < dist && delta-rest >= tenK && (rest+tenK < dist || dist-rest > rest+tenK-dist) {
		d[len(d)-1]--
		rest += tenK
	}
}
