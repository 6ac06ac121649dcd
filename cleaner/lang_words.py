"""Words that tell standard Malay (Malaysia, Brunei, Singapore) from standard Indonesian.

Both standards share most of their vocabulary and, since the 1972 common spelling reform, most of
their spelling; models trained on character n-grams therefore confuse them (py3langid calls most
Malay paragraphs Indonesian). These lists hold only words that differ between the two standards, after
the published comparisons of Malaysian and Indonesian usage (Dewan Bahasa dan Pustaka's Kamus Dewan
against the KBBI and PUEBI, and the usual teaching lists of Malay–Indonesian differences):
  * spellings: kerana / karena, bahawa / bahwa, iaitu / yaitu, wang / uang, mahupun / maupun,
    bahagian / bagian, rasmi / resmi, isteri / istri, kesihatan / kesehatan, tentera / tentara,
    projek / proyek, telefon / telepon, the Malay -iti for the Indonesian -itas (universiti /
    universitas, kualiti / kualitas), Malay -ikal and -ik for Indonesian -is and -ika (teknikal /
    teknis, matematik / matematika), exonyms (Jepun / Jepang, Eropah / Eropa, Amerika Syarikat /
    Amerika Serikat) and month and day names (Ogos / Agustus, Disember / Desember, Isnin / Senin);
  * words: kerajaan / pemerintah, polis / polisi, hospital / rumah sakit, jurucakap / juru bicara,
    kenderaan / kendaraan, peratus / persen, bilion / miliar, cabaran / tantangan, pihak berkuasa /
    pihak berwenang, pelbagai / berbagai, menyokong / mendukung, sahaja / saja, selepas, and
    Indonesian colloquial words (nggak, banget, sih, dong).
Left out on purpose, because the other standard uses them too, often with another meaning: baru
(Malay baru-baru ini), daripada and boleh (Indonesian lebih besar daripada, tidak boleh), setelah
(common in Malay), kereta (Indonesian kereta api, train), pejabat (Indonesian: an official), bandar
(Indonesian bandar narkoba) and kota (Malay place names: Kota Bharu), percuma (Indonesian: in vain),
cukai (Indonesian: excise), mangsa (Indonesian: prey), kanak-kanak (Indonesian taman kanak-kanak),
lelaki, perusahaan (Malay: an industry), doktor (Indonesian: a doctorate), ledakan, wawancara, and
currency and time-zone names (they name a country, not a language). Nothing here was chosen by
reading or mining the benchmark texts.

Each list is space-separated; "_" joins the two words of a phrase. MALAY and INDONESIAN are matched
in lower case, also with an enclitic or particle attached (-nya, -lah, -kah, -pun, -ku, -mu); a word
capitalised inside a sentence is a name and does not count. MALAY_NAMES and INDONESIAN_NAMES are proper
names and are matched as written.
"""

MALAY = (
    # spellings and function words
    "kerana bahawa iaitu sahaja baharu mahu mahupun cuba mencuba dicuba percubaan wang kewangan "
    "selepas manakala menerusi sebarang sesiapa sesetengah mana-mana kesemua bagaimanapun justeru "
    "berbanding berikutan mengikut memandangkan hendaklah setakat oleh_itu tahun_lepas bulan_lepas "
    "minggu_lepas luar_negara bahagian sebahagian pelbagai apatah seramai sebenar kelmarin sejurus "
    "sememangnya amnya sekali_gus rasmi jawapan projek kes dekad minit solat syurga "
    # public life, politics, law and order
    "kerajaan polis hospital universiti fakulti kolej syarikat perniagaan bisnes peniaga kakitangan "
    "jawatan jawatankuasa mesyuarat pengerusi setiausaha timbalan naib jurucakap pentadbiran pertubuhan "
    "pakatan pembangkang parti parlimen kerusi majlis pilihan_raya pilihanraya mengundi pengundi kempen "
    "suruhanjaya rasuah mahkamah peguam pendakwa pendakwaan siasatan menyiasat disiasat reman ikat_jamin "
    "saman disaman kompaun jenayah dadah rompakan pengganas keganasan letupan askar tentera bomba "
    "terkorban kemalangan pihak_berkuasa orang_ramai sivil ibu_pejabat cawangan kenyataan_media "
    "sidang_media pemberita akhbar temu_bual temubual rakaman laman_web dalam_talian tular maklumat "
    "makluman pekeliling borang kad pindaan mengenal_pasti dikenal_pasti mengambil_kira diambil_kira "
    "dijangka dijangkakan menjangkakan mencecah terbabit mendedahkan didedahkan menggesa digesa gesaan "
    "semakan mengesan dikesan pengesanan kemaskini membincangkan sempena bersempena rundingan "
    "tunjuk_perasaan bercadang mencadangkan dicadangkan menyeru penguatkuasaan menguatkuasakan "
    "dikuatkuasakan butiran komen disyaki punca impak alam_sekitar penyokong menyokong disokong sokongan "
    "perbahasan rang elaun yuran faedah berjaya muat_naik muat_turun pautan e-mel peranti perisian "
    # health
    "kesihatan sihat ubat ubat-ubatan perubatan jururawat pesakit wabak jangkitan "
    # transport
    "kenderaan motosikal basikal lori bas teksi keretapi stesen lebuh_raya lebuhraya trafik pengangkutan "
    # economy
    "belanjawan pelaburan peratus bilion trilion hartanah pemaju pangsapuri pengeluar bekalan eksport "
    "insurans akaun pasport imigresen kastam elektrik petrol pasar_raya pasaraya "
    # people, places, everyday life
    "isteri bapa ibu_bapa warga_emas pelancongan pelawat lawatan percutian bersara pesara pencen "
    "membeli-belah tandas tingkap seronok teruk berhampiran tempatan "
    # education, professions, culture, sport, media
    "peperiksaan biasiswa pensyarah penganalisis saintis jurutera juruterbang jurugambar pelakon pawagam "
    "konsert muzik filem muzium kerjaya cabaran sukan kejohanan pingat jurulatih menjaringkan bola_sepak "
    "bolasepak telefon televisyen "
    # -iti (Indonesian -itas), -ikal / -ik (Indonesian -is / -ika)
    "kualiti kuantiti aktiviti kapasiti komuniti identiti prioriti integriti majoriti minoriti realiti "
    "kredibiliti fasiliti entiti otoriti utiliti populariti stabiliti produktiviti kreativiti mentaliti "
    "sekuriti ekuiti liabiliti likuiditi teknikal praktikal fizikal kritikal logik strategik automatik "
    "automotif autonomi saintifik fizik matematik"
)

INDONESIAN = (
    # spellings and function words
    "karena bahwa yaitu saja mau maupun coba mencoba dicoba percobaan uang keuangan ketimbang terkait "
    "kemarin besok sore bisa bagian resmi jawaban proyek kasus dekade menit salat shalat sholat surga "
    "serikat sebagian berbagai apalagi meski dampak kelompok kondisi ditemukan utang "
    # colloquial
    "nggak enggak gak banget gimana bikin aja udah sih dong deh lho nih tuh kok gue nonton emang bareng "
    "doang gitu warganet "
    # public life, politics, law and order
    "pemerintah polisi kepolisian rumah_sakit kantor universitas fakultas karyawan manajer direktur sekretaris "
    "juru_bicara jubir administrasi koalisi oposisi partai parlemen kursi majelis pemilu pilkada pilpres "
    "kampanye komisi korupsi pengadilan advokat jaksa kejaksaan terdakwa tersangka penyidikan penyidik "
    "narkoba narkotika perampokan teroris tentara prajurit korban kecelakaan aparat pihak_berwenang "
    "sipil konferensi pers koran rekaman situs daring informasi formulir "
    "kartu amandemen surat_edaran unjuk_rasa diskusi membahas dibahas usulan prediksi diprediksi "
    "diperkirakan memperkirakan mendeteksi terdeteksi melacak membeberkan mengidentifikasi "
    "diidentifikasi mengonfirmasi dikonfirmasi konfirmasi pembaruan peluncuran diluncurkan meluncurkan "
    "imbuhnya tuturnya paparnya merencanakan direncanakan mengusulkan diusulkan mengimbau diimbau "
    "imbauan penegakan rincian rinci komentar pelaku pendukung mendukung didukung dukungan tunjangan "
    "iuran suku_bunga mengunggah diunggah unggahan mengunduh diunduh tautan surel perangkat "
    # health
    "kesehatan sehat obat obat-obatan pengobatan dokter perawat pasien wabah infeksi "
    # transport
    "kendaraan sepeda truk taksi stasiun bandara maskapai jalan_tol pengemudi sopir "
    "transportasi parkir "
    # economy
    "persen miliar triliun investasi properti pengembang apartemen konstruksi produsen konsumen pasokan "
    "ekspor asuransi rekening akun paspor imigrasi bea_cukai listrik bensin toko gratis pabrik nasabah "
    "kebijakan "
    # people, places, everyday life
    "istri pria laki-laki bapak lansia pariwisata wisatawan libur liburan pensiun kamar karier tantangan "
    "provinsi kabupaten kecamatan kelurahan wali_kota walikota perbatasan "
    # education, professions, culture, sport, media
    "beasiswa dosen peneliti ilmuwan insinyur fotografer pemeran bioskop konser musik film museum "
    "olahraga kejuaraan medali sepak_bola timnas tim telepon televisi ponsel redaksi "
    # -itas (Malay -iti), -is / -ika (Malay -ikal / -ik)
    "kualitas kuantitas aktivitas kapasitas komunitas identitas prioritas integritas mayoritas minoritas "
    "realitas kredibilitas fasilitas entitas otoritas utilitas popularitas stabilitas produktivitas "
    "kreativitas mentalitas sekuritas ekuitas liabilitas likuiditas teknis praktis fisik logis strategis "
    "otomatis otomotif otonomi fisika matematika"
)

MALAY_NAMES = (
    "Isnin Khamis Jumaat Julai Ogos Disember Aidilfitri Aidiladha "
    "Inggeris Sepanyol Jepun Eropah Itali Amerika_Syarikat Britain Belgium Sweden Switzerland Greece "
    "New_Zealand Norway Finland Poland Hungary Czech Ukraine Iraq Lubnan Palestin Kemboja Scotland Ireland"
)

INDONESIAN_NAMES = (
    "Senin Kamis Jumat Jum'at Maret Juni Juli Agustus Desember Lebaran Idulfitri Iduladha Idul_Fitri "
    "Idul_Adha Inggris Prancis Spanyol Jepang Eropa Italia Amerika_Serikat Belgia Swedia Selandia_Baru "
    "Brasil Meksiko Norwegia Finlandia Polandia Hungaria Ceko Ukraina Irak Suriah Palestina Kamboja "
    "Skotlandia Irlandia"
)
